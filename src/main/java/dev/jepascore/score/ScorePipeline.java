package dev.jepascore.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.opentelemetry.api.trace.Span;

import dev.jepascore.ErrorCode;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;

/**
 * Bytes to results with one model in one mode, built once at start-up by {@link ModelScorer}: decode
 * ({@link DecodeStage}) -> one model run per chunk of at most {@code jepa.model.max-run-batch} images
 * ({@link Inference}) -> the scoring methods ({@link ScoringMethod}: JEPA-SCORE when the mode has one, then the
 * embedding signals) -> the verdict ({@link Judge}). One {@link ImageRecord} per image flows through the stages; an
 * image that fails on its own (bad image, NaN or infinite output) is marked in its record and skipped by the later
 * stages. Each stage is timed under its own name: spans {@code decode} and {@code score} (the model runs, methods and
 * verdicts), and per image the result's {@code timingsMs} ({@code decode}, {@code inference}, {@code jacobian}: the
 * JEPA-SCORE method, {@code signals}: the embedding signals and the verdict).
 */
final class ScorePipeline {

    private final ScoreMode mode;
    private final String modelId;
    private final DecodeStage decode;
    private final Inference inference;
    private final int inputSize;
    private final int maxRunBatch;
    /** JEPA-SCORE (exact, transform-averaged or sketch); null in mode {@code signals}. */
    private final ScoringMethod jepa;
    /** k-NN, Mahalanobis, input complexity; empty without a reference set. */
    private final List<ScoringMethod> signals;
    private final Judge judge;
    private final ResultMaker results;

    /** Builds the result of an image from its record and the request's wall time per image. */
    @FunctionalInterface
    interface ResultMaker {
        ScoreResult result(ScoreMode mode, ImageRecord record, double totalMs);
    }

    ScorePipeline(ScoreMode mode, String modelId, DecodeStage decode, Inference inference, int inputSize,
            int maxRunBatch, ScoringMethod jepa, List<ScoringMethod> signals, Judge judge, ResultMaker results) {
        this.mode = mode;
        this.modelId = modelId;
        this.decode = decode;
        this.inference = inference;
        this.inputSize = inputSize;
        this.maxRunBatch = maxRunBatch;
        this.jepa = jepa;
        this.signals = List.copyOf(signals);
        this.judge = judge;
        this.results = results;
    }

    ScoreMode mode() {
        return mode;
    }

    /**
     * Every image's record in request order, holding its result or the failure that image alone met.
     * {@code eachOnItsOwn}: an image that cannot be decoded is that image's failure and the others are scored, else the
     * first such image (in request order) fails the request.
     */
    List<ImageRecord> run(List<byte[]> images, boolean eachOnItsOwn, long start, ScoreMetrics metrics) {
        int n = images.size();
        List<ImageRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new ImageRecord(i));
        }
        float[] pixels = decode.decode(images, records, eachOnItsOwn);
        List<ImageRecord> good = records.stream().filter(r -> !r.failed()).toList();
        Span span = metrics.span("score", good.size());
        try {
            for (int from = 0; from < good.size(); from += maxRunBatch) {
                int b = Math.min(maxRunBatch, good.size() - from);
                float[] batch = b == good.size() ? pixels
                        : Arrays.copyOfRange(pixels, from * inputSize, (from + b) * inputSize);
                runChunk(batch, good.subList(from, from + b), n);
            }
            for (ImageRecord r : good) {
                if (!r.failed()) { // NaN signals have no tail probability
                    long t = System.nanoTime();
                    r.verdict = judge.judge(r.values);
                    r.signalsMs += millis(System.nanoTime() - t);
                }
            }
        } finally {
            span.end();
        }
        double totalMs = round(millis(System.nanoTime() - start) / n);
        for (ImageRecord r : good) {
            if (!r.failed()) {
                r.result = results.result(mode, r, totalMs);
            }
        }
        return records;
    }

    /** One model run over {@code chunk} (packed in {@code batch}), then every scoring method on it. */
    private void runChunk(float[] batch, List<ImageRecord> chunk, int requestSize) {
        int b = chunk.size();
        long t = System.nanoTime();
        ModelRun run = inference.run(batch, b);
        double inferenceMs = millis(System.nanoTime() - t) / b;
        double jacobianMs = 0;
        double[] jepaScores = null;
        if (jepa != null) {
            long tj = System.nanoTime();
            jepaScores = jepa.scores(run);
            jacobianMs = millis(System.nanoTime() - tj) / b;
        }
        long ts = System.nanoTime();
        List<double[]> signalValues = new ArrayList<>(signals.size());
        for (ScoringMethod method : signals) {
            signalValues.add(method.scores(run));
        }
        double signalsMs = millis(System.nanoTime() - ts) / b;
        for (int i = 0; i < b; i++) {
            ImageRecord r = chunk.get(i);
            if (jepaScores != null) {
                r.values.put(jepa.name(), jepaScores[i]);
            }
            for (int s = 0; s < signals.size(); s++) {
                r.values.put(signals.get(s).name(), signalValues.get(s)[i]);
            }
            r.embeddingNorm = JacobianMath.norm(run.embeddings(), i * run.embeddingDim(), run.embeddingDim());
            if ((jepaScores != null && !Double.isFinite(jepaScores[i])) || !Double.isFinite(r.embeddingNorm)) {
                r.failure = nonFinite(r.index, requestSize);
            }
            r.inferenceMs = inferenceMs;
            r.jacobianMs = jacobianMs;
            r.signalsMs = signalsMs;
            r.batchSize = b;
        }
    }

    /**
     * The encoder's output (or the score from it) is NaN or infinite for one image: deterministic for that image, so
     * it is recorded as that image's failure (a storage event is not redelivered for it).
     */
    private InvalidScoreRequestException nonFinite(int index, int count) {
        String which = count == 1 ? "the image" : "images[" + index + "]";
        return new InvalidScoreRequestException(ErrorCode.NON_FINITE_SCORE, "model " + modelId + " gives " + which
                + " a NaN or infinite " + mode.json() + " score: the encoder's output is not finite at or near this "
                + "image");
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
