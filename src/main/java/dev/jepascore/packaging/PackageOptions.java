package dev.jepascore.packaging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.jepascore.CommandLines;
import dev.jepascore.image.SupportedFormats;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The flags of {@code package-model} (declared for picocli; {@link PackageModelCommand} is the command). Values the
 * user leaves out are null and are taken from the graph (channels, size) or from the defaults each option names.
 */
final class PackageOptions implements CommandLines.Checked {

    /** Default finite-difference step: the most accurate of 1e-3..1 measured in docs/sketch-accuracy.md. */
    static final double DEFAULT_STEP = 0.1;
    /** Default seed of the sketch directions (any fixed value: the same image then always gets the same score). */
    static final long DEFAULT_SEED = 20251005L;

    @Option(names = "--encoder", paramLabel = "FILE",
            description = "encoder.onnx: one float input [N,C,H,W] -> embedding [N,K] (names, C, H, W, K read from it)")
    private Path encoder;

    @Option(names = "--images", paramLabel = "DIR", description = "folder of in-distribution images ("
            + SupportedFormats.LIST + "), split without overlap into reference, calibration and fixture images")
    private Path images;

    @Option(names = "--out", paramLabel = "DIR", description = "the model package to write (created; refused if it "
            + "holds files, unless --force, which empties it first; with --recalibrate: an existing package)")
    private Path out;

    @Option(names = "--id", paramLabel = "NAME", description = "model id (default: the --out folder's name)")
    private String id;

    @Option(names = "--channels", paramLabel = "1|3", description = "needed only where the graph leaves it dynamic")
    private Integer channels;

    @Option(names = "--size", paramLabel = "HxW", description = "needed only where the graph leaves it dynamic")
    private String size;

    @Option(names = "--mean", paramLabel = "a[,b,c]", split = ",", hideParamSyntax = true,
            description = "the encoder sees (pixel * scale - mean) / std (default 0)")
    private double[] mean;

    @Option(names = "--std", paramLabel = "a[,b,c]", split = ",", hideParamSyntax = true, description = "positive (default 1)")
    private double[] std;

    @Option(names = "--scale", paramLabel = "s", description = "(default 1/255)")
    private Double scale;

    @Option(names = "--sketch-directions", paramLabel = "m", description = "m, K <= m <= D (default: the smallest m "
            + "whose predicted Spearman correlation with exact scores is >= 0.999 for the spread measured on the "
            + "calibration images)")
    private Integer sketchDirections;

    @Option(names = "--step", paramLabel = "h", defaultValue = "" + DEFAULT_STEP,
            description = "finite-difference step in normalised input units (default ${DEFAULT-VALUE})")
    private double step;

    @Option(names = "--seed", paramLabel = "n", defaultValue = "" + DEFAULT_SEED,
            description = "seed of the sketch directions (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--recalibrate", description = "keep the package's encoder and input spec; recompute the reference "
            + "set, calibration and fixtures from --images")
    private boolean recalibrate;

    @Option(names = "--force", description = "empty a non-empty --out first")
    private boolean force;

    @Option(names = "--scorer-only", description = "(re)write the exact scorer.onnx of the package at --out from its "
            + "encoder.onnx and model.json, checked on its fixtures; calibration and everything else kept")
    private boolean scorerOnly;

    private Integer height;
    private Integer width;

    /** Parses the arguments after {@code package-model}; throws the {@link ParameterException} naming the bad flag. */
    static PackageOptions parse(String... args) {
        return CommandLines.parse(new PackageOptions(), args);
    }

    @Override
    public void check(CommandLine line) {
        List<String> missing = new ArrayList<>();
        if (encoder == null && !recalibrate && !scorerOnly) {
            missing.add("--encoder");
        }
        if (images == null && !scorerOnly) {
            missing.add("--images");
        }
        if (out == null) {
            missing.add("--out");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(line, "missing " + String.join(", ", missing));
        }
        if (channels != null && channels != 1 && channels != 3) {
            throw new ParameterException(line, "--channels must be 1 or 3, found " + channels);
        }
        if (size != null) {
            String[] hw = size.toLowerCase(Locale.ROOT).split("x");
            if (hw.length != 2) {
                throw new ParameterException(line, "--size must be HxW (e.g. 224x224), found " + size);
            }
            height = positive(line, hw[0]);
            width = positive(line, hw[1]);
        }
        if (std != null) {
            for (double s : std) {
                if (!(s > 0)) {
                    throw new ParameterException(line, "--std values must be positive, found " + s);
                }
            }
        }
        if (sketchDirections != null && sketchDirections <= 0) {
            throw new ParameterException(line, "--sketch-directions must be positive, found " + sketchDirections);
        }
        if (!(step > 0)) {
            throw new ParameterException(line, "--step must be positive, found " + step);
        }
    }

    private int positive(CommandLine line, String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ParameterException(line, "--size must be HxW with positive whole numbers, found " + size);
    }

    Path encoder() {
        return encoder;
    }

    Path images() {
        return images;
    }

    Path out() {
        return out;
    }

    String id() {
        return id;
    }

    Integer channels() {
        return channels;
    }

    Integer height() {
        return height;
    }

    Integer width() {
        return width;
    }

    double[] mean() {
        return mean;
    }

    double[] std() {
        return std;
    }

    Double scale() {
        return scale;
    }

    Integer sketchDirections() {
        return sketchDirections;
    }

    double step() {
        return step;
    }

    long seed() {
        return seed;
    }

    boolean recalibrate() {
        return recalibrate;
    }

    boolean force() {
        return force;
    }

    boolean scorerOnly() {
        return scorerOnly;
    }
}
