package dev.jepascore.score;

import dev.jepascore.admission.Admission;
import java.util.ArrayList;

import dev.jepascore.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.jepascore.ErrorCode;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.model.ServedModels;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.result.BatchEntry;
import dev.jepascore.result.ScoreMode;

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
        // each model's signals (reference set, fits, calibration) on a thread of its own, at once
        List<ModelRuntime> all = List.copyOf(models.all());
        List<ModelScorer> built = inParallel(all, "jepa-signals-",
                model -> new ModelScorer(model, decoder, imageConfig, metrics, admission));
        for (ModelScorer scorer : built) {
            scorers.put(scorer.model().manifest().id(), scorer);
        }
    }

    /**
     * {@code work} applied to every item, each on a thread of its own, all at once; the results in item order. Throws
     * the failure of the first item (in order) that failed, after every thread has ended.
     */
    static <T, R> List<R> inParallel(List<T> items, String threadPrefix, Function<T, R> work) {
        List<CompletableFuture<R>> futures = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            CompletableFuture<R> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(work.apply(item));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, threadPrefix + i);
            t.setDaemon(true);
            t.start();
            futures.add(f);
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null).join();
        List<R> results = new ArrayList<>();
        for (CompletableFuture<R> f : futures) {
            try {
                results.add(f.join());
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        return results;
    }

    /**
     * Runs every model's whole scoring path once (the models at once, each on a thread of its own), so the first request to any model finds it warm; called once at
     * start-up by {@link dev.jepascore.startup.StartupWork}, which reports ready after it.
     */
    public void warmUp() {
        inParallel(List.copyOf(scorers.values()), "jepa-warmup-", scorer -> {
            long start = System.nanoTime();
            scorer.warmUp();
            LOG.infof("model %s: scoring path warmed up in %d ms", scorer.model().manifest().id(),
                    (System.nanoTime() - start) / 1_000_000);
            return scorer;
        });
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
