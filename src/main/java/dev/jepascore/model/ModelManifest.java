package dev.jepascore.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.image.InputSpec;

/**
 * {@code model.json}: what a model package contains and how to feed it. Read once at start-up;
 * {@link #validate(Path)} names every missing or inconsistent field.
 *
 * @param id           model id, also the package directory name
 * @param version      model version, reported with every score
 * @param input        the tensor the encoder takes
 * @param encoder      the encoder graph: pixels to embedding
 * @param scorer       the exact Jacobian graph: pixels to embedding and Jacobian
 * @param embeddingDim K, the embedding size
 * @param eps          singular values are clipped at this before the log
 * @param calibration  JEPA-SCORE percentiles of held-out in-distribution images and the label thresholds
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(String id, String version, String description, InputSpec input, Graph encoder,
        Scorer scorer, Integer embeddingDim, Double eps, Calibration calibration) {

    /** @param file ONNX file relative to the package; @param input input tensor name; @param output embedding tensor name */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Graph(String file, String input, String output) {
    }

    /**
     * @param kind {@code jacobian}: {@code output} is J of shape [N,K,D]; {@code gram}: J J^T of shape [N,K,K]
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scorer(String file, String input, String embedding, String output, String kind) {
    }

    /** @param percentiles ascending, 0 to 100; @param scores the JEPA-SCORE at each percentile */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Calibration(String set, Integer count, List<Double> percentiles, List<Double> scores,
            Thresholds thresholds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Thresholds(Band unusual, Band outlier) {
    }

    /** Two-sided band: a score below {@code low} or above {@code high} is outside it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Band(Double lowPercentile, Double highPercentile, Double low, Double high) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Reads and validates {@code <packageDir>/model.json}. */
    public static ModelManifest read(Path packageDir) {
        Path file = packageDir.resolve("model.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model_missing", "model manifest not found: " + file.toAbsolutePath()
                    + " (set jepa.model.dir and jepa.model.id to a model package directory)");
        }
        ModelManifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new ModelException("model_manifest_invalid", "cannot parse " + file + ": " + e.getMessage(), e);
        }
        manifest.validate(file);
        return manifest;
    }

    void validate(Path file) {
        List<String> problems = new ArrayList<>();
        require(problems, id, "id");
        require(problems, version, "version");
        require(problems, embeddingDim, "embeddingDim");
        require(problems, eps, "eps");
        if (input == null) {
            problems.add("input is missing");
        } else {
            if (input.channels() != 1 && input.channels() != 3) {
                problems.add("input.channels must be 1 or 3, found " + input.channels());
            }
            if (input.height() <= 0 || input.width() <= 0) {
                problems.add("input.height and input.width must be positive, found " + input.height() + "x"
                        + input.width());
            }
            if (input.scale() <= 0) {
                problems.add("input.scale must be positive, found " + input.scale());
            }
            if (input.mean() == null || input.mean().size() != input.channels()) {
                problems.add("input.mean must have one value per channel (" + input.channels() + "), found "
                        + input.mean());
            }
            if (input.std() == null || input.std().size() != input.channels()
                    || input.std().stream().anyMatch(s -> s == null || s <= 0)) {
                problems.add("input.std must have one positive value per channel (" + input.channels()
                        + "), found " + input.std());
            }
        }
        if (encoder == null || encoder.file() == null || encoder.input() == null || encoder.output() == null) {
            problems.add("encoder must name file, input and output, found " + encoder);
        }
        if (scorer != null && (scorer.file() == null || scorer.input() == null || scorer.output() == null
                || scorer.embedding() == null || !("jacobian".equals(scorer.kind()) || "gram".equals(scorer.kind())))) {
            problems.add("scorer must name file, input, embedding, output and kind (jacobian|gram), found " + scorer);
        }
        validateCalibration(problems);
        if (!problems.isEmpty()) {
            throw new ModelException("model_manifest_invalid", file + ": " + String.join("; ", problems));
        }
    }

    private void validateCalibration(List<String> problems) {
        if (calibration == null) {
            problems.add("calibration is missing");
            return;
        }
        List<Double> p = calibration.percentiles();
        List<Double> s = calibration.scores();
        if (p == null || s == null || p.size() < 2 || p.size() != s.size()) {
            problems.add("calibration.percentiles and calibration.scores must be lists of equal length >= 2");
            return;
        }
        for (int i = 1; i < p.size(); i++) {
            if (p.get(i) <= p.get(i - 1) || s.get(i) < s.get(i - 1)) {
                problems.add("calibration percentiles must increase and scores must not decrease (index " + i + ")");
                return;
            }
        }
        Thresholds t = calibration.thresholds();
        if (t == null || !complete(t.unusual()) || !complete(t.outlier())) {
            problems.add("calibration.thresholds.unusual and .outlier need low and high scores");
        }
    }

    private static boolean complete(Band band) {
        return band != null && band.low() != null && band.high() != null && band.low() <= band.high();
    }

    private static void require(List<String> problems, Object value, String name) {
        if (value == null) {
            problems.add(name + " is missing");
        }
    }
}
