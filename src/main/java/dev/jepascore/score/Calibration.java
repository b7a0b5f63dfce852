package dev.jepascore.score;

import java.util.List;

import dev.jepascore.model.ModelManifest;
import dev.jepascore.result.Label;

/**
 * The model's calibration: JEPA-SCORE percentiles of held-out in-distribution images, and two-sided
 * bands. Two-sided because out-of-distribution images can score higher as well as lower than the
 * training data (simpler images such as digits score higher on a Fashion-MNIST JEPA, as with the
 * likelihoods of generative models).
 */
public record Calibration(double[] percentiles, double[] scores, double unusualLow, double unusualHigh,
        double outlierLow, double outlierHigh) {

    public static Calibration of(ModelManifest.Calibration c) {
        ModelManifest.Band unusual = c.thresholds().unusual();
        ModelManifest.Band outlier = c.thresholds().outlier();
        return new Calibration(toArray(c.percentiles()), toArray(c.scores()), unusual.low(), unusual.high(),
                outlier.low(), outlier.high());
    }

    /** Percentile (0-100) of {@code score} among the calibration scores, by linear interpolation. */
    public double percentile(double score) {
        return SignalTable.interpolate(percentiles, scores, score);
    }

    public Label label(double score) {
        if (score < outlierLow || score > outlierHigh) {
            return Label.OUTLIER;
        }
        if (score < unusualLow || score > unusualHigh) {
            return Label.UNUSUAL;
        }
        return Label.TYPICAL;
    }

    /** {@code low} or {@code high} for a score outside the unusual band, else {@code null}. */
    public String tail(double score) {
        if (score < unusualLow) {
            return "low";
        }
        if (score > unusualHigh) {
            return "high";
        }
        return null;
    }

    /**
     * The values at the given percentiles (0-100) of {@code values}, by linear interpolation between
     * order statistics (numpy's default): what a manifest's {@code calibration.scores} hold.
     */
    public static double[] quantiles(double[] values, double[] percentiles) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take percentiles of");
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        double[] out = new double[percentiles.length];
        for (int i = 0; i < percentiles.length; i++) {
            double rank = percentiles[i] / 100 * (sorted.length - 1);
            int lo = (int) Math.floor(rank);
            int hi = Math.min(sorted.length - 1, lo + 1);
            out[i] = sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
        }
        return out;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
