package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
 * @param transforms   Equation (4): JEPA-SCORE averaged over these input transforms ({@code identity}, {@code h-flip},
 *                     {@code shift-right-1}, {@code shift-left-1}); {@code null} or empty: off (the default)
 * @param signals      the embedding-space signals (reference set, k-NN, Mahalanobis), input complexity and the
 *                     combined outlier score; {@code null}: the model serves JEPA-SCORE alone
 * @param sketch       how to score through the encoder alone (finite-difference sketch); absent: sketch mode not offered
 * @param defaultMode  {@code exact}, {@code sketch} or {@code signals}: the mode of requests that name none; absent:
 *                     {@code exact} (with a scorer graph) or {@code sketch}
 *                     when a scorer graph exists, else {@code sketch}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(String id, String version, String description, InputSpec input, Graph encoder,
        Scorer scorer, Differentiation differentiation, Integer embeddingDim, Double eps, Calibration calibration,
        List<String> transforms, Signals signals, Sketch sketch, String defaultMode, Cost cost,
        JsonNode embeddingReference, JsonNode provenance) {

    /** Why {@code package-model} wrote no exact scorer. @param unavailable the reason it gave */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Differentiation(String unavailable) {
    }

    /**
     * Per-image times {@code package-model} measured and the default mode it chose from them (not read by the
     * function).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cost(String measured, Double embeddingMsPerImage, Double exactMsPerImage, Double sketchMsPerImage,
            Integer sketchDirections, Double budgetMsPerImage, String rule) {
    }

    /** Names a manifest's {@code transforms} may use (pixel permutations; see score.InputTransforms). */
    public static final List<String> TRANSFORMS = List.of("identity", "h-flip", "shift-right-1", "shift-left-1");

    /** Input transforms JEPA-SCORE is averaged over; empty when Equation (4) is off. */
    public List<String> transformList() {
        return transforms == null ? List.of() : transforms;
    }

    /**
     * The {@code signals} section (written by models/calibrate.py for the bundled model, by {@code package-model} for a packaged encoder).
     *
     * @param reference   the reference embeddings file
     * @param knn         k-NN distance settings
     * @param mahalanobis Mahalanobis settings
     * @param complexity  input complexity settings; {@code null}: not used
     * @param calibration every signal's values at fixed percentiles of held-out images (not the reference set)
     * @param combination how the signals' tail probabilities become one outlier score, and its calibration
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Signals(Reference reference, Knn knn, Mahalanobis mahalanobis, Complexity complexity,
            SignalCalibration calibration, Combination combination) {
    }

    /**
     * @param file   relative to the package; row-major {@code [count, dim]} float32 little-endian
     * @param format {@code float32-le}, the only format
     * @param count  rows (embeddings)
     * @param dim    values per row; must equal {@code embeddingDim}
     * @param set    where the images came from (provenance, not read)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reference(String file, String format, Integer count, Integer dim, String set) {
    }

    /** @param k 1-based neighbour rank; @param metric {@code euclidean} or {@code cosine} */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Knn(Integer k, String metric) {
    }

    /**
     * @param shrinkage      {@code ledoit-wolf}: the shrinkage is estimated from the reference set at start-up
     * @param shrinkageValue the value the tooling estimated; start-up checks that it finds the same
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mahalanobis(String shrinkage, Double shrinkageValue) {
    }

    /** @param deflateLevel zlib level (only 9 is supported: it is what the tooling measured) */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Complexity(Integer deflateLevel) {
    }

    /**
     * @param count       calibration images (tail probabilities are floored at half an image, 0.5 / count)
     * @param percentiles ascending, 0 to 100
     * @param values      per signal name ({@code jepa}, {@code knn}, {@code mahalanobis}, {@code complexity}) its value
     *                    at each percentile
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SignalCalibration(String set, Integer count, List<Double> percentiles,
            java.util.Map<String, List<Double>> values) {
    }

    /**
     * @param method      {@code fisher}: outlier score = -2 sum ln(tail probability)
     * @param signals     the signals combined, by name
     * @param reasonTail  a signal is named among the reasons when its tail probability is at most this
     * @param percentiles ascending, 0 to 100
     * @param scores      the outlier score at each percentile of the calibration images
     * @param unusual     the 'unusual' threshold
     * @param outlier     the 'outlier' threshold
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Combination(String method, List<String> signals, Double reasonTail, List<Double> percentiles,
            List<Double> scores, Threshold unusual, Threshold outlier) {
    }

    /** @param percentile of held-out images at or below; @param score the outlier score there */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Threshold(Double percentile, Double score) {
    }

    /**
     * The sketch estimator's settings (DESIGN.md, "Sketch"), chosen by {@code package-model}.
     *
     * @param directions        m orthonormal directions, K <= m <= D
     * @param step              central-difference step h in normalised input units (each direction has norm 1)
     * @param seed              seed of the directions: the same image always gets the same score
     * @param scoreSpread       standard deviation of the JEPA-SCORE over the calibration images
     * @param predictedSd       the estimator's standard deviation around the exact score at m
     * @param predictedSpearman rank correlation with exact scores that spread and error predict
     * @param directionsFile    the m directions as float32 little-endian {@code [m, D]} in the package (written by
     *                          package-model so start-up never orthonormalises them); absent: made from the seed
     *                          on first use
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sketch(Integer directions, String directionsFile, Double step, Long seed, Double scoreSpread,
            Double predictedSd, Double predictedSpearman, Integer pilotDirections, JsonNode agreementWithExact,
            String rule) {
    }

    /** {@code exact}, {@code sketch} or {@code signals}, as {@link #defaultMode} or its implied value. */
    public String effectiveDefaultMode() {
        if (defaultMode != null) {
            return defaultMode;
        }
        return scorer != null ? "exact" : "sketch";
    }

    /** @param file ONNX file relative to the package; @param input input tensor name; @param output embedding tensor name */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Graph(String file, String input, String output) {
    }

    /**
     * @param kind {@code jacobian}: {@code output} is J of shape [N,K,D]; {@code gram}: J J^T of shape [N,K,K]
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scorer(String file, String input, String embedding, String output, String kind, String generatedBy,
            Long opset, List<String> ops, JsonNode check) {
    }

    /**
     * @param percentiles ascending, 0 to 100
     * @param scores      the JEPA-SCORE at each percentile
     * @param transforms  the transforms the scores were averaged over (Equation (4)); must equal the manifest's
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Calibration(String set, Integer count, List<Double> percentiles, List<Double> scores,
            Thresholds thresholds, List<String> transforms, String rationale, String method) {
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
            throw new ModelException(ErrorCode.MODEL_MISSING, "model manifest not found: " + file.toAbsolutePath()
                    + " (jepa.model.dir holds model packages, one sub-directory each; jepa.model.packages names the ones to serve)");
        }
        ModelManifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, "cannot parse " + file + ": " + e.getMessage(), e);
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
            if (!InputSpec.RESIZE_BILINEAR.equals(input.resize())) {
                problems.add("input.resize must be \"bilinear\" (Pillow's antialiased bilinear), found " + input.resize());
            }
            String colour = input.channels() == 1 ? InputSpec.COLOUR_LUMA : InputSpec.COLOUR_RGB;
            // colour, alpha and orientation may be left out: the reference preprocessing applies
            if (input.colour() != null && !colour.equals(input.colour())) {
                problems.add("input.colour must be \"" + colour + "\" for " + input.channels() + " channel(s), found "
                        + input.colour());
            }
            if (input.alpha() != null && !InputSpec.ALPHA_BLACK.equals(input.alpha())) {
                problems.add("input.alpha must be \"black\" (transparency composited onto black), found "
                        + input.alpha());
            }
            if (input.orientation() != null && !InputSpec.ORIENTATION_EXIF.equals(input.orientation())
                    && !InputSpec.ORIENTATION_STORED.equals(input.orientation())) {
                problems.add("input.orientation must be \"exif\" or \"stored\", found " + input.orientation());
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
        validateSignals(problems);
        validateTransforms(problems);
        validateSketch(problems);
        if (!problems.isEmpty()) {
            throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, file + ": " + String.join("; ", problems));
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

    private void validateTransforms(List<String> problems) {
        for (String t : transformList()) {
            if (!TRANSFORMS.contains(t)) {
                problems.add("transforms names '" + t + "', expected some of " + TRANSFORMS);
            }
        }
        if (calibration != null) {
            List<String> calibrated = calibration.transforms() == null ? List.of() : calibration.transforms();
            if (!calibrated.equals(transformList())) {
                problems.add("transforms is " + transformList() + " but the calibration was computed with " + calibrated
                        + ": recalibrate (models/calibrate.py --transforms) or match them");
            }
        }
    }

    private void validateSignals(List<String> problems) {
        if (signals == null) {
            return;
        }
        Reference r = signals.reference();
        if (r == null || r.file() == null || r.count() == null || r.dim() == null) {
            problems.add("signals.reference must name file, count and dim, found " + r);
        } else {
            if (!"float32-le".equals(r.format())) {
                problems.add("signals.reference.format must be float32-le, found " + r.format());
            }
            if (embeddingDim != null && !r.dim().equals(embeddingDim)) {
                problems.add("signals.reference.dim is " + r.dim() + " but embeddingDim is " + embeddingDim);
            }
            if (r.count() < 2) {
                problems.add("signals.reference.count must be at least 2, found " + r.count());
            }
        }
        Knn knn = signals.knn();
        if (knn == null || knn.k() == null || knn.metric() == null) {
            problems.add("signals.knn must give k and metric, found " + knn);
        } else if (r != null && r.count() != null && (knn.k() < 1 || knn.k() > r.count())) {
            problems.add("signals.knn.k must be in 1.." + r.count() + ", found " + knn.k());
        }
        Mahalanobis m = signals.mahalanobis();
        if (m == null || !"ledoit-wolf".equals(m.shrinkage())) {
            problems.add("signals.mahalanobis.shrinkage must be ledoit-wolf, found " + m);
        }
        if (signals.complexity() != null && !Integer.valueOf(9).equals(signals.complexity().deflateLevel())) {
            problems.add("signals.complexity.deflateLevel must be 9, found " + signals.complexity().deflateLevel());
        }
        SignalCalibration c = signals.calibration();
        Combination comb = signals.combination();
        if (c == null || c.count() == null || c.count() < 1 || c.percentiles() == null || c.values() == null) {
            problems.add("signals.calibration must give count, percentiles and values");
            return;
        }
        if (comb == null || !"fisher".equals(comb.method()) || comb.signals() == null || comb.signals().isEmpty()
                || comb.reasonTail() == null || comb.percentiles() == null || comb.scores() == null
                || comb.unusual() == null || comb.unusual().score() == null || comb.outlier() == null
                || comb.outlier().score() == null) {
            problems.add("signals.combination must give method fisher, signals, reasonTail, percentiles, scores, "
                    + "unusual.score and outlier.score");
            return;
        }
        for (String name : comb.signals()) {
            List<Double> values = c.values().get(name);
            if (values == null || values.size() != c.percentiles().size()) {
                problems.add("signals.calibration.values." + name + " must have one value per percentile ("
                        + c.percentiles().size() + ")");
            } else if ("complexity".equals(name) && signals.complexity() == null) {
                problems.add("signals.combination uses complexity but signals.complexity is missing");
            }
        }
        if (comb.scores().size() != comb.percentiles().size()) {
            problems.add("signals.combination.scores must have one value per percentile");
        }
    }

    private void validateSketch(List<String> problems) {
        String mode = effectiveDefaultMode();
        if (!"exact".equals(mode) && !"sketch".equals(mode) && !"signals".equals(mode)) {
            problems.add("defaultMode must be exact, sketch or signals, found " + mode);
        }
        if ("signals".equals(mode) && signals == null) {
            problems.add("defaultMode is signals but there is no signals section");
        }
        if ("exact".equals(mode) && scorer == null) {
            problems.add("defaultMode is exact but there is no scorer graph");
        }
        if ("sketch".equals(mode) && sketch == null) {
            problems.add("defaultMode is sketch but there is no sketch section");
        }
        if ("signals".equals(mode) && signals == null) {
            problems.add("defaultMode is signals but there is no signals section (k-NN and Mahalanobis need a reference set)");
        }
        if (sketch == null || input == null || embeddingDim == null) {
            return;
        }
        int d = input.size();
        if (sketch.directions() == null || sketch.directions() < embeddingDim || sketch.directions() > d) {
            problems.add("sketch.directions must satisfy K <= m <= D (K=" + embeddingDim + ", D=" + d + "), found "
                    + sketch.directions());
        }
        if (sketch.step() == null || !(sketch.step() > 0)) {
            problems.add("sketch.step must be positive, found " + sketch.step());
        }
        if (sketch.seed() == null) {
            problems.add("sketch.seed is missing");
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
