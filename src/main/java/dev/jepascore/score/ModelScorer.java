package dev.jepascore.score;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import dev.jepascore.JepaException;
import dev.jepascore.image.BadImageException;
import dev.jepascore.image.DecodeCost;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.ModelImage;
import dev.jepascore.image.Preprocessor;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ModelRuntime;

/**
 * Bytes to JEPA-SCORE with one model: decode and preprocess every image to the model's input, run the scorer
 * graph (or the encoder, for the sketch) once per batch, hand the run to the scoring methods
 * ({@link ScoringMethod}), and place each score against the model's calibration set. {@link ScoringService} keeps
 * one per served model and routes every entry point's requests to it.
 */
public class ModelScorer {

    private final ModelRuntime model;
    private final ImageDecoder decoder;
    private final ImageConfig imageConfig;
    private final ScoreMetrics metrics;
    private final Admission admission;
    private final Calibration calibration;
    private final ScoreResult.ModelRef modelRef;
    /** Name of the JEPA-SCORE signal, whichever method (exact or sketch) computed it. */
    private static final String JEPA = "jepa";

    private final ScoringMethod jepa;
    /** k-NN, Mahalanobis, input complexity and their combination; {@code null} without a reference set. */
    private final EmbeddingSignals signals;
    private final String absent;
    private final SketchJepaScore sketch;
    private final ScoreMode defaultMode;
    private volatile boolean warm;
    /** Decoding cost of one image at this model's input size, charged by {@link Admission}. */
    private final Function<byte[], DecodeCost.Estimate> decodeCost;

    public ModelScorer(ModelRuntime model, ImageDecoder decoder, ImageConfig imageConfig, ScoreMetrics metrics,
            Admission admission) {
        this.model = model;
        this.admission = admission;
        this.decoder = decoder;
        this.decodeCost = image -> decoder.estimate(image, model.inputSpec());
        this.imageConfig = imageConfig;
        this.metrics = metrics;
        ModelManifest manifest = model.manifest();
        this.calibration = Calibration.of(manifest.calibration());
        this.modelRef = new ScoreResult.ModelRef(manifest.id(), manifest.version());
        ScoringMethod exact = model.hasExactScorer() ? new ExactJacobianScore(model) : null;
        this.jepa = exact == null || manifest.transformList().isEmpty() ? exact
                : new TransformAveragedScore(exact, model, manifest.transformList());
        this.signals = manifest.signals() == null ? null
                : EmbeddingSignals.load(manifest, model.packageDir(), model.inputSpec());
        this.absent = signals != null ? null
                : "model " + manifest.id() + " has no reference set (no signals section in its model.json): "
                        + "k-NN, Mahalanobis and the combined outlier score are not computed; label is from JEPA-SCORE";
        this.sketch = sketchOf(model);
        this.defaultMode = ScoreMode.ofManifest(manifest.effectiveDefaultMode());
    }

    /** The sketch scorer of the manifest's {@code sketch} section, or null when the model offers no sketch mode. */
    static SketchJepaScore sketchOf(ModelRuntime model) {
        ModelManifest m = model.manifest();
        ModelManifest.Sketch s = m.sketch();
        if (s == null) {
            return null;
        }
        return new SketchJepaScore(model::embed, m.embeddingDim(), m.input().size(), s.directions(), s.step(), s.seed(),
                m.eps(), model.encoderRunLimit(), s.directionsFile() == null ? null
                        : readDirections(model.packageDir().resolve(s.directionsFile()),
                                (long) s.directions() * m.input().size()));
    }

    /** The package's stored sketch directions: {@code count} float32 little-endian values. */
    static float[] readDirections(java.nio.file.Path file, long count) {
        try {
            long size = java.nio.file.Files.size(file);
            if (size != count * Float.BYTES) {
                throw new dev.jepascore.model.ModelException(ErrorCode.MODEL_MANIFEST_INVALID, file + " holds " + size
                        + " bytes; sketch.directions x D float32 values are " + count * Float.BYTES);
            }
            float[] v = new float[(int) count];
            java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(v);
            return v;
        } catch (IOException e) {
            throw new dev.jepascore.model.ModelException(ErrorCode.MODEL_MISSING, "cannot read sketch directions " + file
                    + ": " + e.getMessage(), e);
        }
    }

    /** Warm-up inputs, encoded once at build time (32x32 RGB gradients) so start-up never loads an image writer. */
    private static final List<String> WARMUP_IMAGES = List.of("/warmup/warmup.png", "/warmup/warmup.jpg");

    /**
     * Runs the whole path once (admission, PNG and JPEG decoding, preprocessing, scorer, Gram, eigenvalues,
     * signals), so that the first request finds every class loaded; called once per served model at start-up by
     * {@link dev.jepascore.startup.StartupWork} (through {@link ScoringService#warmUp()}), which reports ready after it.
     */
    public void warmUp() {
        // a sketch-mode model scores one image (each costs 2m+1 encoder images); the others both formats
        List<String> names = defaultMode == ScoreMode.SKETCH ? WARMUP_IMAGES.subList(0, 1) : WARMUP_IMAGES;
        List<byte[]> images = new ArrayList<>();
        for (String name : names) {
            try (InputStream in = ModelScorer.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + name + " is missing from the build");
                }
                images.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource " + name, e);
            }
        }
        // timed as a kind of its own: a first run (classes loading, code not yet compiled) says nothing of the next ones
        admission.admit("warm-up " + kind(null), images, decodeCost,
                () -> run(images, null, System.nanoTime(), false));
        warm = true;
    }

    /** The model this scores with. */
    public ModelRuntime model() {
        return model;
    }

    /** What the served model offers, for {@code GET /v1/models}; {@code isDefault}: requests naming no model get it. */
    public ModelInfo modelInfo(boolean isDefault) {
        ModelManifest m = model.manifest();
        List<ScoreMode> modes = new ArrayList<>();
        if (jepa != null) {
            modes.add(ScoreMode.EXACT);
        }
        if (sketch != null) {
            modes.add(ScoreMode.SKETCH);
        }
        return new ModelInfo(m.id(), m.version(), isDefault, m.input(), m.embeddingDim(), modes, defaultMode,
                sketch != null ? sketch.directions() : null, m.calibration().count());
    }

    /**
     * One served model as {@code GET /v1/models} lists it.
     *
     * @param isDefault        whether requests that name no model get this one
     * @param modes            how it can score: {@code exact} only where the package has a scorer graph
     * @param sketchDirections m of the sketch mode, when offered
     * @param calibrationSize  images the calibration percentiles come from
     */
    public record ModelInfo(String id, String version, @JsonProperty("default") boolean isDefault, InputSpec input,
            int embeddingDim, List<ScoreMode> modes, ScoreMode defaultMode, Integer sketchDirections,
            Integer calibrationSize) {
    }

    /** True once {@link #warmUp()} has run the whole path. */
    public boolean warm() {
        return warm;
    }

    /** Scores one encoded image (PNG, JPEG, GIF, BMP, WebP); {@code mode} null: the model's default. */
    public ScoreResult score(byte[] encodedImage, ScoreMode mode) {
        return scoreAll(List.of(encodedImage), mode).get(0);
    }

    /**
     * Scores several encoded images; they share ONNX runs of up to {@code jepa.model.max-run-batch}.
     * Fails as a whole when any image cannot be scored (the single-image calls' contract).
     */
    public List<ScoreResult> scoreAll(List<byte[]> encodedImages, ScoreMode mode) {
        long start = System.nanoTime();
        try {
            Scored scored = admission.admit(kind(mode), encodedImages, decodeCost,
                    () -> run(encodedImages, mode, start, false));
            for (JepaException failure : scored.failures()) {
                if (failure != null) {
                    throw failure;
                }
            }
            scored.results().forEach(metrics::scored);
            return scored.results();
        } catch (JepaException e) {
            metrics.failed(e.code());
            throw e;
        } finally {
            metrics.latency(System.nanoTime() - start);
        }
    }

    /**
     * Scores a batch where one image's own failure does not sink the others: an image that cannot be decoded (not an
     * image, corrupt, too large, unsupported) or whose encoder output is NaN or infinite gets an {@link ImageFailure}
     * entry, the rest their results, in request order. Failures of the request as a whole (too many images, an
     * unavailable mode, the model failing, no memory) still throw.
     */
    public List<BatchEntry> scoreEach(List<byte[]> encodedImages, ScoreMode mode) {
        long start = System.nanoTime();
        try {
            Scored scored = admission.admit(kind(mode), encodedImages, decodeCost,
                    () -> run(encodedImages, mode, start, true));
            List<BatchEntry> entries = new ArrayList<>(scored.results().size());
            for (int i = 0; i < scored.results().size(); i++) {
                JepaException failure = scored.failures()[i];
                if (failure != null) {
                    metrics.failed(failure.code());
                    entries.add(ImageFailure.of(i, failure));
                } else {
                    metrics.scored(scored.results().get(i));
                    entries.add(scored.results().get(i));
                }
            }
            return entries;
        } catch (JepaException e) {
            metrics.failed(e.code());
            throw e;
        } finally {
            metrics.latency(System.nanoTime() - start);
        }
    }

    /** Per image in request order: its result, or null with the failure that image alone met. */
    private record Scored(List<ScoreResult> results, JepaException[] failures) {
    }

    /** The kind of work admission times requests by: this model in the mode asked for (its default for null). */
    private String kind(ScoreMode requested) {
        return model.manifest().id() + "/" + (requested == null ? defaultMode : requested);
    }

    /** The mode a request gets: the one it named, else the model's default; fails when the model lacks it. */
    ScoreMode resolve(ScoreMode requested) {
        ScoreMode mode = requested == null ? defaultMode : requested;
        String id = model.manifest().id();
        if (mode == ScoreMode.EXACT && jepa == null) {
            throw new InvalidScoreRequestException(ErrorCode.MODE_UNAVAILABLE, "model " + id + " has no scorer graph, so "
                    + "mode 'exact' is not offered; use mode 'sketch'");
        }
        if (mode == ScoreMode.SKETCH && sketch == null) {
            throw new InvalidScoreRequestException(ErrorCode.MODE_UNAVAILABLE, "model " + id + " has no sketch settings "
                    + "(model.json 'sketch'), so mode 'sketch' is not offered; use mode 'exact'");
        }
        return mode;
    }

    /**
     * Decodes and scores {@code images}; {@code eachOnItsOwn}: an image that cannot be decoded is that image's failure
     * and the others are scored, else the first such image (in request order) fails the request.
     */
    private Scored run(List<byte[]> images, ScoreMode requested, long start, boolean eachOnItsOwn) {
        ScoreMode mode = resolve(requested);
        if (images.isEmpty()) {
            throw new InvalidScoreRequestException(ErrorCode.NO_IMAGES, "the request holds no image");
        }
        if (images.size() > imageConfig.maxBatch()) {
            throw new InvalidScoreRequestException(ErrorCode.BATCH_TOO_LARGE, "the request holds "
                    + images.size() + " images; the limit is " + imageConfig.maxBatch() + " (jepa.image.max-batch)", null);
        }
        InputSpec spec = model.inputSpec();
        int size = spec.size();
        int n = images.size();
        float[] decoded = new float[n * size];
        double[] decodeMs = new double[n];
        // decode in parallel; the first bad image in request order is the one reported
        BadImageException[] failures = new BadImageException[n];
        Span decodeSpan = metrics.span("decode", n);
        IntStream.range(0, n).parallel().forEach(i -> {
            long t = System.nanoTime();
            try {
                Preprocessor.toTensor(decode(images.get(i), spec, i, n), spec, decoded, i * size);
            } catch (BadImageException e) {
                failures[i] = e;
            }
            decodeMs[i] = millis(System.nanoTime() - t);
        });
        JepaException[] imageFailures = new JepaException[n];
        int[] good = IntStream.range(0, n).filter(i -> failures[i] == null).toArray();
        for (int i = 0; i < n; i++) {
            if (failures[i] != null) {
                if (!eachOnItsOwn) {
                    decodeSpan.setStatus(StatusCode.ERROR, failures[i].code().code());
                    decodeSpan.end();
                    throw failures[i];
                }
                imageFailures[i] = failures[i];
            }
        }
        decodeSpan.end();
        // the model runs over the images that decoded, packed together; entries go back to their request positions
        float[] pixels = good.length == n ? decoded : new float[good.length * size];
        if (pixels != decoded) {
            for (int j = 0; j < good.length; j++) {
                System.arraycopy(decoded, good[j] * size, pixels, j * size, size);
            }
        }
        Span scoreSpan = metrics.span("score", good.length);
        try {
            return infer(images.size(), mode, pixels, good, decodeMs, imageFailures, start);
        } finally {
            scoreSpan.end();
        }
    }

    /**
     * The model runs, the Jacobian math and the verdicts of the {@code good} images of a request of {@code n} (packed
     * in {@code pixels}); entries go back to their request positions, failures into {@code imageFailures}.
     */
    private Scored infer(int n, ScoreMode mode, float[] pixels, int[] good, double[] decodeMs,
            JepaException[] imageFailures, long start) {
        int size = model.inputSpec().size();
        double[] scores = new double[n];
        double[] norms = new double[n];
        double[] inferenceMs = new double[n];
        double[] jacobianMs = new double[n];
        double[] signalsMs = new double[n];
        List<Map<String, Double>> raw = new ArrayList<>(java.util.Collections.nCopies(n, null));
        int[] batchSizes = new int[n];
        int chunk = model.maxRunBatch();
        int m = good.length;
        for (int from = 0; from < m; from += chunk) {
            int b = Math.min(chunk, m - from);
            float[] batch = b == m ? pixels : Arrays.copyOfRange(pixels, from * size, (from + b) * size);
            long t = System.nanoTime();
            ModelRun run = mode == ScoreMode.EXACT ? ModelRun.of(batch, model.score(batch, b))
                    : new ModelRun(batch, b, size, model.embed(batch, b), model.manifest().embeddingDim(), null);
            double perImageMs = millis(System.nanoTime() - t) / b;
            long tj = System.nanoTime();
            double[] chunkScores = (mode == ScoreMode.EXACT ? jepa : sketch).scores(run);
            double perImageJacobianMs = millis(System.nanoTime() - tj) / b;
            long ts = System.nanoTime();
            Map<String, double[]> chunkSignals = new LinkedHashMap<>();
            if (signals != null) {
                for (ScoringMethod method : signals.methods()) {
                    chunkSignals.put(method.name(), method.scores(run));
                }
            }
            double perImageSignalsMs = millis(System.nanoTime() - ts) / b;
            for (int i = 0; i < b; i++) {
                int k = good[from + i]; // the image's position in the request
                Map<String, Double> values = new LinkedHashMap<>();
                values.put(JEPA, chunkScores[i]);
                for (Map.Entry<String, double[]> e : chunkSignals.entrySet()) {
                    values.put(e.getKey(), e.getValue()[i]);
                }
                raw.set(k, values);
                signalsMs[k] = perImageSignalsMs;
                scores[k] = chunkScores[i];
                norms[k] = JacobianMath.norm(run.embeddings(), i * run.embeddingDim(), run.embeddingDim());
                if (!Double.isFinite(chunkScores[i]) || !Double.isFinite(norms[k])) {
                    imageFailures[k] = nonFinite(k, n, mode);
                }
                inferenceMs[k] = perImageMs;
                jacobianMs[k] = perImageJacobianMs;
                batchSizes[k] = b;
            }
        }
        Judgement[] verdicts = new Judgement[n];
        for (int i = 0; i < n; i++) {
            if (imageFailures[i] != null) {
                continue; // NaN signals have no tail probability
            }
            long ts = System.nanoTime();
            verdicts[i] = verdict(raw.get(i));
            signalsMs[i] += millis(System.nanoTime() - ts);
        }
        double totalMs = round(millis(System.nanoTime() - start) / n);
        List<ScoreResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Judgement v = verdicts[i];
            if (v == null) {
                results.add(null);
                continue;
            }
            results.add(new ScoreResult(scores[i], v.signals().jepa().percentile(), v.label(), v.signals().jepa().tail(),
                    v.outlierScore(), v.outlierPercentile(), v.signals(), v.reasons(), modelRef, mode,
                    model.provider(), norms[i], new ScoreResult.Timings(round(decodeMs[i]), round(inferenceMs[i]),
                            round(jacobianMs[i]), round(signalsMs[i]), totalMs, batchSizes[i])));
        }
        return new Scored(results, imageFailures);
    }

    /** What the result says about one image beyond its raw JEPA-SCORE. */
    private record Judgement(Label label, Double outlierScore, Double outlierPercentile, ScoreResult.Signals signals,
            List<String> reasons) {
    }

    private Judgement verdict(Map<String, Double> values) {
        double score = values.get(JEPA);
        ScoreResult.JepaSignal jepaSignal = new ScoreResult.JepaSignal(score, calibration.percentile(score),
                calibration.tail(score));
        if (signals == null) {
            Label label = calibration.label(score);
            return new Judgement(label, null, null, new ScoreResult.Signals(jepaSignal, null, null, null, absent),
                    label == Label.TYPICAL ? List.of() : List.of(JEPA));
        }
        EmbeddingSignals.Assessment a = signals.assess(values);
        return new Judgement(a.label(), a.outlierScore(), a.outlierPercentile(), new ScoreResult.Signals(jepaSignal,
                distance("knn", values), distance("mahalanobis", values), complexity(values), null), a.reasons());
    }

    private ScoreResult.Distance distance(String name, Map<String, Double> values) {
        double d = values.get(name);
        return new ScoreResult.Distance(d, signals.percentile(name, d));
    }

    private ScoreResult.Complexity complexity(Map<String, Double> values) {
        Double bytes = values.get("complexity");
        return bytes == null ? null : new ScoreResult.Complexity((int) Math.round(bytes), signals.percentile("complexity", bytes));
    }

    /**
     * The encoder's output (or the score from it) is NaN or infinite for one image: deterministic for
     * that image, so it is recorded as that image's failure (a storage event is not redelivered for it).
     */
    private InvalidScoreRequestException nonFinite(int index, int count, ScoreMode mode) {
        String which = count == 1 ? "the image" : "images[" + index + "]";
        return new InvalidScoreRequestException(ErrorCode.NON_FINITE_SCORE, "model " + model.manifest().id() + " gives "
                + which + " a NaN or infinite " + mode.json() + " score: the encoder's output is not finite at or near "
                + "this image");
    }

    private ModelImage decode(byte[] bytes, InputSpec spec, int index, int count) {
        try {
            return decoder.decode(bytes, spec);
        } catch (BadImageException e) {
            if (count == 1) {
                throw e;
            }
            throw new BadImageException(e.code(), "images[" + index + "]: " + e.getMessage(), e);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
