package dev.jepascore.score;

import dev.jepascore.ErrorCode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.model.ServedModels;

/**
 * Bytes to JEPA-SCORE with the model a request names: one {@link ModelScorer} per served model; a request that
 * names none gets the default model ({@code jepa.model.id}). Every entry point (Funqy, REST upload, storage events)
 * calls this. Created and warmed up at start-up off the main thread by {@link dev.jepascore.startup.StartupWork}.
 */
@ApplicationScoped
public class ScoringService {

    private static final Logger LOG = Logger.getLogger(ScoringService.class);

    private final ServedModels models;
    private final ScoreMetrics metrics;
    private final Map<String, ModelScorer> scorers = new LinkedHashMap<>();
    private volatile boolean warm;

    @Inject
    public ScoringService(ServedModels models, ImageDecoder decoder, ImageConfig imageConfig, ScoreMetrics metrics,
            Admission admission) {
        this.models = models;
        this.metrics = metrics;
        for (ModelRuntime model : models.all()) {
            scorers.put(model.manifest().id(), new ModelScorer(model, decoder, imageConfig, metrics, admission));
        }
    }

    /**
     * Runs every model's whole scoring path once, so the first request to any model finds it warm; called once at
     * start-up by {@link dev.jepascore.startup.StartupWork}, which reports ready after it.
     */
    public void warmUp() {
        for (ModelScorer scorer : scorers.values()) {
            long start = System.nanoTime();
            scorer.warmUp();
            LOG.infof("model %s: scoring path warmed up in %d ms", scorer.model().manifest().id(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        warm = true;
    }

    /** True once every model's path has run ({@link #warmUp()}). */
    public boolean warm() {
        return warm;
    }

    /** Every served model's id, in serving order. */
    public List<String> ids() {
        return List.copyOf(scorers.keySet());
    }

    /** The id requests get when they name no model. */
    public String defaultModel() {
        return models.defaultId();
    }

    /** Every served model, in serving order, as {@code GET /v1/models} lists them. */
    public List<ModelScorer.ModelInfo> modelInfos() {
        return scorers.values().stream()
                .map(s -> s.modelInfo(s.model().manifest().id().equals(models.defaultId()))).toList();
    }

    /**
     * The scorer of model {@code id}; {@code null} or blank: the default model's.
     *
     * @throws InvalidScoreRequestException {@code unknown_model} (400) naming the id and the served ids
     */
    public ModelScorer scorer(String id) {
        if (id == null || id.isBlank()) {
            return scorers.get(models.defaultId());
        }
        ModelScorer scorer = scorers.get(id.strip());
        if (scorer == null) {
            metrics.failed(ErrorCode.UNKNOWN_MODEL);
            throw new InvalidScoreRequestException(ErrorCode.UNKNOWN_MODEL, "model '" + id.strip() + "' is not served here; "
                    + "the served models are " + scorers.keySet() + " (GET /v1/models lists them)");
        }
        return scorer;
    }

    /** Scores one encoded image with the default model; {@code mode} null: the model's default. */
    public ScoreResult score(byte[] encodedImage, ScoreMode mode) {
        return score(encodedImage, null, mode);
    }

    /** Scores one encoded image with model {@code model} (null: the default); {@code mode} null: its default. */
    public ScoreResult score(byte[] encodedImage, String model, ScoreMode mode) {
        return scorer(model).score(encodedImage, mode);
    }

    /** Several images with one model, failing as a whole; see {@link ModelScorer#scoreAll}. */
    public List<ScoreResult> scoreAll(List<byte[]> encodedImages, String model, ScoreMode mode) {
        return scorer(model).scoreAll(encodedImages, mode);
    }

    /** Several images with one model, an image's own failure as its entry; see {@link ModelScorer#scoreEach}. */
    public List<BatchEntry> scoreEach(List<byte[]> encodedImages, String model, ScoreMode mode) {
        return scorer(model).scoreEach(encodedImages, mode);
    }
}
