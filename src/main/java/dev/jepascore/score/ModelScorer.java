package dev.jepascore.score;

import dev.jepascore.admission.Admission;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.jepascore.ErrorCode;
import dev.jepascore.JepaException;
import dev.jepascore.image.DecodeCost;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.BatchEntry;
import dev.jepascore.result.ImageFailure;

/**
 * Bytes to results with one model: one {@link ScorePipeline} per mode the model offers, built at start-up (decode ->
 * one model run -> scoring methods -> verdict), each run inside {@link Admission} as the kind of work
 * {@code <model>/<mode>}. {@link ScoringService} keeps one per served model and routes every entry point's requests to
 * it. The modes: {@code exact} with a scorer graph, {@code sketch} with a {@code sketch} section, {@code signals}
 * with a reference set ({@code signals} section).
 */
public class ModelScorer {

    private final ModelRuntime model;
    private final ImageConfig imageConfig;
    private final ScoreMetrics metrics;
    private final Admission admission;
    private final ScoreResult.ModelRef modelRef;
    /** The pipeline of every mode the model offers. */
    private final Map<ScoreMode, ScorePipeline> pipelines = new EnumMap<>(ScoreMode.class);
    private final SketchJepaScore sketch;
    private final ScoreMode defaultMode;
    private volatile boolean warm;
    /** Decoding cost of one image at this model's input size, charged by {@link Admission}. */
    private final Function<byte[], DecodeCost.Estimate> decodeCost;

    public ModelScorer(ModelRuntime model, ImageDecoder decoder, ImageConfig imageConfig, ScoreMetrics metrics,
            Admission admission) {
        this(model, decoder, imageConfig, metrics, admission, EmbeddingSignals.REGISTERED);
    }

    /** A scorer computing {@code signals} beside JEPA-SCORE (a test's own among them), where the package has them. */
    public ModelScorer(ModelRuntime model, ImageDecoder decoder, ImageConfig imageConfig, ScoreMetrics metrics,
            Admission admission, List<Signal> signals) {
        this.model = model;
        this.admission = admission;
        this.decodeCost = image -> decoder.estimate(image, model.inputSpec());
        this.imageConfig = imageConfig;
        this.metrics = metrics;
        ModelManifest manifest = model.manifest();
        Calibration calibration = Calibration.of(manifest.calibration());
        this.modelRef = new ScoreResult.ModelRef(manifest.id(), manifest.version());
        ScoringMethod exact = model.hasExactScorer() ? new ExactJacobianScore(model) : null;
        ScoringMethod jepa = exact == null || manifest.transformList().isEmpty() ? exact
                : new TransformAveragedScore(exact, model, manifest.transformList());
        EmbeddingSignals loaded = manifest.signals() == null ? null
                : EmbeddingSignals.load(manifest, model.packageDir(), model.inputSpec(), signals);
        this.sketch = sketchOf(model);
        this.defaultMode = ScoreMode.ofManifest(manifest.effectiveDefaultMode());

        DecodeStage decode = new DecodeStage(decoder, model.inputSpec(), metrics);
        int size = model.inputSpec().size();
        int k = manifest.embeddingDim();
        Inference scorerGraph = (pixels, count) -> ModelRun.of(pixels, model.score(pixels, count));
        Inference encoder = (pixels, count) -> new ModelRun(pixels, count, size, model.embed(pixels, count), k, null);
        List<ScoringMethod> embedding = loaded == null ? List.of() : loaded.methods();
        Judge withJepa = loaded != null ? Judge.combined(calibration, loaded)
                : Judge.bands(calibration, "model " + manifest.id() + " has no reference set (no signals section in "
                        + "its model.json): k-NN, Mahalanobis and the combined outlier score are not computed; label "
                        + "is from JEPA-SCORE");
        if (jepa != null) {
            add(ScoreMode.EXACT, decode, scorerGraph, jepa, embedding, withJepa);
        }
        if (sketch != null) {
            add(ScoreMode.SKETCH, decode, encoder, sketch, embedding, withJepa);
        }
        if (loaded != null) {
            add(ScoreMode.SIGNALS, decode, encoder, null, embedding, Judge.withoutJepa(loaded));
        }
    }

    private void add(ScoreMode mode, DecodeStage decode, Inference inference, ScoringMethod jepa,
            List<ScoringMethod> signals, Judge judge) {
        pipelines.put(mode, new ScorePipeline(mode, model.manifest().id(), decode, inference, model.inputSpec().size(),
                model.maxRunBatch(), jepa, signals, judge, this::result));
    }

    /** The result of an image the pipeline of {@code mode} judged. */
    private ScoreResult result(ScoreMode mode, ImageRecord r, double totalMs) {
        Judge.Judgement v = r.verdict;
        ScoreResult.JepaSignal jepa = v.jepa();
        return new ScoreResult(jepa == null ? null : jepa.score(), jepa == null ? null : jepa.percentile(), v.label(),
                jepa == null ? null : jepa.tail(), v.outlierScore(), v.outlierPercentile(), v.signals(), v.reasons(),
                modelRef, mode, model.provider(), r.embeddingNorm, new ScoreResult.Timings(ScorePipeline.round(
                        r.decodeMs), ScorePipeline.round(r.inferenceMs), ScorePipeline.round(r.jacobianMs),
                        ScorePipeline.round(r.signalsMs), totalMs, r.batchSize));
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
        List<ScoreMode> modes = List.copyOf(pipelines.keySet());
        return new ModelInfo(m.id(), m.version(), isDefault, m.input(), m.embeddingDim(), modes, defaultMode,
                sketch != null ? sketch.directions() : null, m.calibration().count());
    }

    /**
     * One served model as {@code GET /v1/models} lists it.
     *
     * @param isDefault        whether requests that name no model get this one
     * @param modes            how it can score: {@code exact} only where the package has a scorer graph,
     *                         {@code sketch} where it has sketch settings, {@code signals} where it has a reference set
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

    /** Scores one encoded image (one of {@link dev.jepascore.image.SupportedFormats}); {@code mode} null: the model's default. */
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
            List<ImageRecord> records = admission.admit(kind(mode), encodedImages, decodeCost,
                    () -> run(encodedImages, mode, start, false));
            List<ScoreResult> results = new ArrayList<>(records.size());
            for (ImageRecord r : records) {
                if (r.failed()) {
                    throw r.failure;
                }
                results.add(r.result);
            }
            results.forEach(metrics::scored);
            return results;
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
            List<ImageRecord> records = admission.admit(kind(mode), encodedImages, decodeCost,
                    () -> run(encodedImages, mode, start, true));
            List<BatchEntry> entries = new ArrayList<>(records.size());
            for (ImageRecord r : records) {
                if (r.failed()) {
                    metrics.failed(r.failure.code());
                    entries.add(ImageFailure.of(r.index, r.failure));
                } else {
                    metrics.scored(r.result);
                    entries.add(r.result);
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

    /** The kind of work admission times requests by: this model in the mode asked for (its default for null). */
    private String kind(ScoreMode requested) {
        return model.manifest().id() + "/" + (requested == null ? defaultMode : requested);
    }

    /** The pipeline a request gets: of the mode it named, else the model's default; fails when the model lacks it. */
    ScorePipeline resolve(ScoreMode requested) {
        ScoreMode mode = requested == null ? defaultMode : requested;
        ScorePipeline pipeline = pipelines.get(mode);
        if (pipeline == null) {
            String id = model.manifest().id();
            String why = switch (mode) {
                case EXACT -> "has no scorer graph, so mode 'exact' is not offered";
                case SKETCH -> "has no sketch settings (model.json 'sketch'), so mode 'sketch' is not offered";
                case SIGNALS -> "has no reference set (model.json 'signals'), so mode 'signals' is not offered";
            };
            throw new InvalidScoreRequestException(ErrorCode.MODE_UNAVAILABLE, "model " + id + " " + why + "; use "
                    + (pipelines.size() == 1 ? "mode " : "one of modes ") + pipelines.keySet().stream()
                            .map(m -> "'" + m.json() + "'").collect(java.util.stream.Collectors.joining(", ")));
        }
        return pipeline;
    }

    /**
     * Decodes and scores {@code images} with the pipeline of the mode asked for; {@code eachOnItsOwn}: an image that
     * cannot be decoded is that image's failure and the others are scored, else the first such image (in request
     * order) fails the request.
     */
    private List<ImageRecord> run(List<byte[]> images, ScoreMode requested, long start, boolean eachOnItsOwn) {
        ScorePipeline pipeline = resolve(requested);
        if (images.isEmpty()) {
            throw new InvalidScoreRequestException(ErrorCode.NO_IMAGES, "the request holds no image");
        }
        if (images.size() > imageConfig.maxBatch()) {
            throw new InvalidScoreRequestException(ErrorCode.BATCH_TOO_LARGE, "the request holds "
                    + images.size() + " images; the limit is " + imageConfig.maxBatch() + " (jepa.image.max-batch)", null);
        }
        return pipeline.run(images, eachOnItsOwn, start, metrics);
    }
}
