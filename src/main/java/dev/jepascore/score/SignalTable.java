package dev.jepascore.score;

/**
 * One signal's calibration: its values at fixed percentiles of held-out in-distribution images,
 * read by linear interpolation (numpy's default percentile rule, so the Python tooling and this
 * class agree). Pure; the same rule as {@link Calibration#percentile(double)}.
 *
 * @param percentiles ascending, 0 to 100
 * @param values      the signal at each percentile, non-decreasing
 * @param sides       1: only large values are unusual (distances); 2: both tails are (JEPA-SCORE,
 *                    input complexity)
 * @param floor       smallest tail probability reported: the table cannot resolve rarer events
 *                    (half a calibration image, {@code 0.5 / count})
 */
public record SignalTable(double[] percentiles, double[] values, int sides, double floor) {

    public SignalTable {
        if (percentiles.length < 2 || percentiles.length != values.length) {
            throw new IllegalArgumentException("percentiles and values must have the same length >= 2, found "
                    + percentiles.length + " and " + values.length);
        }
        for (int i = 1; i < values.length; i++) {
            if (!(percentiles[i] > percentiles[i - 1]) || !(values[i] >= values[i - 1])) {
                throw new IllegalArgumentException("percentiles must increase and values must not decrease (index "
                        + i + ")");
            }
        }
        if (sides != 1 && sides != 2) {
            throw new IllegalArgumentException("sides must be 1 or 2, found " + sides);
        }
        if (!(floor > 0 && floor < 1)) {
            throw new IllegalArgumentException("floor must be in (0, 1), found " + floor);
        }
    }

    /** Percentile (0-100) of {@code x} among the calibration images; clamped outside the table. */
    public double percentile(double x) {
        return interpolate(percentiles, values, x);
    }

    /**
     * Probability of a held-out in-distribution image being at least as extreme: {@code 1 - F}
     * (one-sided) or {@code 2 min(F, 1 - F)} (two-sided), F = percentile / 100, never below
     * {@link #floor()}.
     */
    public double tail(double x) {
        double f = percentile(x) / 100;
        double p = sides == 1 ? 1 - f : 2 * Math.min(f, 1 - f);
        return Math.max(p, floor);
    }

    /** Linear interpolation of {@code x} in ascending {@code xs} mapped to {@code ys}; clamped at the ends. */
    static double interpolate(double[] ys, double[] xs, double x) {
        int n = xs.length;
        if (x <= xs[0]) {
            return ys[0];
        }
        if (x >= xs[n - 1]) {
            return ys[n - 1];
        }
        int hi = 1;
        while (xs[hi] <= x) {
            hi++;
        }
        int lo = hi - 1;
        double span = xs[hi] - xs[lo];
        double t = span > 0 ? (x - xs[lo]) / span : 0.5;
        return ys[lo] + t * (ys[hi] - ys[lo]);
    }
}
