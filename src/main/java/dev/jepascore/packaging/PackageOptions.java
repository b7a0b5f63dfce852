package dev.jepascore.packaging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The flags of {@code package-model}, parsed. Values the user leaves out are null and are taken
 * from the graph (channels, size) or from the defaults named in {@link #USAGE}.
 */
record PackageOptions(Path encoder, Path images, Path out, String id, Integer channels, Integer height, Integer width,
        double[] mean, double[] std, Double scale, Integer sketchDirections, double step, long seed, boolean recalibrate,
        boolean force, boolean scorerOnly) {

    /** Default finite-difference step: the most accurate of 1e-3..1 measured in docs/sketch-accuracy.md. */
    static final double DEFAULT_STEP = 0.1;
    /** Default seed of the sketch directions (any fixed value: the same image then always gets the same score). */
    static final long DEFAULT_SEED = 20251005L;

    static final String USAGE = """
            usage: package-model --encoder FILE --images DIR --out DIR [--id NAME] [--channels 1|3] [--size HxW]
                                 [--mean a[,b,c]] [--std a[,b,c]] [--scale s] [--sketch-directions m]
                                 [--step h] [--seed n] [--recalibrate] [--force]
                   package-model --scorer-only --out DIR
              --encoder   encoder.onnx: one float input [N,C,H,W] -> embedding [N,K] (names, C, H, W, K read from it)
              --images    folder of in-distribution images (PNG, JPEG, GIF, BMP, WebP), split without overlap into
                          reference, calibration and fixture images
              --out       the model package to write (created; refused if it holds files, unless --force, which
                          empties it first; with --recalibrate: an existing package)
              --id        model id (default: the --out folder's name)
              --channels, --size  needed only where the graph leaves them dynamic
              --scale, --mean, --std  the encoder sees (pixel * scale - mean) / std (default 1/255, 0, 1)
              --sketch-directions  m, K <= m <= D (default: the smallest m whose predicted Spearman correlation
                          with exact scores is >= 0.999 for the spread measured on the calibration images)
              --step      finite-difference step in normalised input units (default 0.1)
              --recalibrate  keep the package's encoder and input spec; recompute the reference set,
                          calibration and fixtures from --images
              --scorer-only  (re)write the exact scorer.onnx of the package at --out from its encoder.onnx and
                          model.json, checked on its fixtures; calibration and everything else kept""";

    /** Parses the arguments after {@code package-model}; throws {@link UsageException} naming the bad flag. */
    static PackageOptions parse(String[] args) {
        Path encoder = null;
        Path images = null;
        Path out = null;
        String id = null;
        Integer channels = null;
        Integer height = null;
        Integer width = null;
        double[] mean = null;
        double[] std = null;
        Double scale = null;
        Integer directions = null;
        double step = DEFAULT_STEP;
        long seed = DEFAULT_SEED;
        boolean recalibrate = false;
        boolean force = false;
        boolean scorerOnly = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--recalibrate")) {
                recalibrate = true;
                continue;
            }
            if (flag.equals("--force")) {
                force = true;
                continue;
            }
            if (flag.equals("--scorer-only")) {
                scorerOnly = true;
                continue;
            }
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new UsageException(null);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--encoder" -> encoder = Path.of(value);
                case "--images" -> images = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--id" -> id = value;
                case "--channels" -> {
                    channels = integer(flag, value);
                    if (channels != 1 && channels != 3) {
                        throw new UsageException("--channels must be 1 or 3, found " + value);
                    }
                }
                case "--size" -> {
                    String[] hw = value.toLowerCase(Locale.ROOT).split("x");
                    if (hw.length != 2) {
                        throw new UsageException("--size must be HxW (e.g. 224x224), found " + value);
                    }
                    height = positive(flag, hw[0]);
                    width = positive(flag, hw[1]);
                }
                case "--mean" -> mean = doubles(flag, value);
                case "--std" -> std = doubles(flag, value);
                case "--scale" -> scale = number(flag, value);
                case "--sketch-directions" -> directions = positive(flag, value);
                case "--step" -> {
                    step = number(flag, value);
                    if (!(step > 0)) {
                        throw new UsageException("--step must be positive, found " + value);
                    }
                }
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new UsageException("unknown flag " + flag);
            }
        }
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
            throw new UsageException("missing " + String.join(", ", missing));
        }
        if (std != null) {
            for (double s : std) {
                if (!(s > 0)) {
                    throw new UsageException("--std values must be positive, found " + s);
                }
            }
        }
        return new PackageOptions(encoder, images, out, id, channels, height, width, mean, std, scale, directions, step,
                seed, recalibrate, force, scorerOnly);
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be an integer, found " + value);
        }
    }

    private static int positive(String flag, String value) {
        int v = integer(flag, value);
        if (v <= 0) {
            throw new UsageException(flag + " must be positive, found " + value);
        }
        return v;
    }

    private static double number(String flag, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a number, found " + value);
        }
    }

    private static double[] doubles(String flag, String value) {
        String[] parts = value.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = number(flag, parts[i]);
        }
        return out;
    }

    /** A flag is missing or malformed: exit code 2 with the usage text. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
