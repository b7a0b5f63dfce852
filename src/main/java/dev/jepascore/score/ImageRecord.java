package dev.jepascore.score;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.jepascore.JepaException;
import dev.jepascore.result.ScoreResult;

/**
 * One image as it flows through a {@link ScorePipeline}: each stage fills in its part (decode time, the model run's
 * share, each scoring method's raw value, the verdict) or marks the image failed, and later stages skip a failed one.
 * Written by one stage at a time; the parallel loops inside a stage each write their own image's record.
 */
final class ImageRecord {

    /** Position of the image in the request (0-based). */
    final int index;
    /** Raw value of every scoring method that ran on the image, by {@link ScoringMethod#name()}, in pipeline order. */
    final Map<String, Double> values = new LinkedHashMap<>();
    /** What this image alone failed with (bad image, non-finite output); null while it goes on. */
    JepaException failure;
    double decodeMs;
    double inferenceMs;
    double jacobianMs;
    double signalsMs;
    int batchSize;
    double embeddingNorm;
    Judge.Judgement verdict;
    /** The image's result, once judged. */
    ScoreResult result;

    ImageRecord(int index) {
        this.index = index;
    }

    boolean failed() {
        return failure != null;
    }
}
