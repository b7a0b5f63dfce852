package dev.jepascore.score;

import java.util.ArrayList;
import java.util.List;

/**
 * The combined outlier score and what is said about it: pure functions of the signals' tail
 * probabilities, tested without a model; models/signals.py computes the same.
 * <p>
 * Outlier score: Fisher's statistic {@code -2 sum_i ln p_i}, p_i the probability that a held-out
 * in-distribution image is at least as extreme on signal i (two-sided for JEPA-SCORE and input
 * complexity, upper tail for the distances). The signals are correlated, so the chi-square law
 * Fisher assumed does not hold: the score is placed by its own percentile table of held-out images
 * instead, and the labels cut it at that table's 95th and 99th percentiles. Chosen over the smallest
 * p with a Sidak correction ({@code 1 - (1 - p_min)^m}) and a maximum of robust z-scores by the mean
 * AUROC on development outliers (models/fmnist-lejepa/EVALUATION.md).
 */
public final class Verdict {

    private Verdict() {
    }

    /** {@code -2 sum ln p}; each p in (0, 1]. */
    public static double fisher(double[] tails) {
        double sum = 0;
        for (double p : tails) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("tail probability must be in (0, 1], found " + p);
            }
            sum += Math.log(p);
        }
        return -2 * sum;
    }

    /** {@code outlier} above the outlier threshold, {@code unusual} above the unusual one, else typical. */
    public static Label label(double outlierScore, double unusualScore, double outlierThreshold) {
        if (outlierScore > outlierThreshold) {
            return Label.OUTLIER;
        }
        if (outlierScore > unusualScore) {
            return Label.UNUSUAL;
        }
        return Label.TYPICAL;
    }

    /**
     * The signals behind a flag: those whose own tail probability is at most {@code reasonTail}; when the
     * image is flagged by several moderate tails together, the one with the smallest. Empty when typical.
     */
    public static List<String> reasons(List<String> names, double[] tails, double reasonTail, Label label) {
        if (label == Label.TYPICAL) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int smallest = 0;
        for (int i = 0; i < tails.length; i++) {
            if (tails[i] <= reasonTail) {
                out.add(names.get(i));
            }
            if (tails[i] < tails[smallest]) {
                smallest = i;
            }
        }
        if (out.isEmpty()) {
            out.add(names.get(smallest));
        }
        return List.copyOf(out);
    }
}
