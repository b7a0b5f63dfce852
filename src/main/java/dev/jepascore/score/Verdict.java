package dev.jepascore.score;

import java.util.ArrayList;
import java.util.List;

import dev.jepascore.result.Label;

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

    /**
     * Corrected tail probability at or below which mode {@code signals} labels an image unusual: the rate at which the
     * combined score's 95th-percentile threshold flags held-out in-distribution images.
     */
    public static final double UNUSUAL_TAIL = 0.05;
    /** As {@link #UNUSUAL_TAIL} for outlier: the combined score's 99th-percentile threshold. */
    public static final double OUTLIER_TAIL = 0.01;

    private Verdict() {
    }

    /**
     * The smallest tail probability, Bonferroni-corrected: {@code min(1, m p_min)} over m signals. Whatever the
     * signals' dependence, an in-distribution image gets a value at most a with probability at most a; mode
     * {@code signals} uses it in place of the combined score, whose table was calibrated with JEPA-SCORE among the
     * signals. Each p in (0, 1].
     */
    public static double bonferroni(double[] tails) {
        if (tails.length == 0) {
            throw new IllegalArgumentException("no tail probabilities to correct");
        }
        double min = 1;
        for (double p : tails) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("tail probability must be in (0, 1], found " + p);
            }
            min = Math.min(min, p);
        }
        return Math.min(1, tails.length * min);
    }

    /** {@code outlier} at or below {@link #OUTLIER_TAIL}, {@code unusual} at or below {@link #UNUSUAL_TAIL}. */
    public static Label labelOfTail(double corrected) {
        if (corrected <= OUTLIER_TAIL) {
            return Label.OUTLIER;
        }
        if (corrected <= UNUSUAL_TAIL) {
            return Label.UNUSUAL;
        }
        return Label.TYPICAL;
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
