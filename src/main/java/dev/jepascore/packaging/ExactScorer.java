package dev.jepascore.packaging;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.jepascore.model.GraphRunner;
import dev.jepascore.packaging.autodiff.CentralDifferences;
import dev.jepascore.packaging.autodiff.Differentiator;
import dev.jepascore.score.JacobianMath;

/**
 * The exact path of {@code package-model}: the scorer graph the differentiator made from
 * {@code encoder.onnx}, open for the packager's own runs: JEPA-SCOREs of images (float32 J, Gram and
 * eigenvalues in double, as the function computes them) and the check of J against central
 * differences through the encoder.
 */
final class ExactScorer implements AutoCloseable {

    /** Images per scorer run while packaging (J of 16 images of D = 12 288 and K = 32 is 25 MB). */
    static final int BATCH = 16;
    /**
     * Step of the central-difference check, in normalised input units, with Richardson extrapolation from h and h/2
     * ((4 D(h/2) - D(h)) / 3 cancels the h^2 term). Measured on photo-vit (D = 12 288, so J's entries are small
     * against float32 round-off of the embedding): h = 1e-2 alone 2.1e-2 off, Richardson from 2e-2 3.0e-2 (round-off),
     * Richardson from 1e-1 5.4e-3; on fmnist-lejepa 4.5e-4.
     */
    static final double CHECK_STEP = 1e-1;
    /**
     * Plain central differences at these steps too, for piecewise-linear encoders: on a ReLU CNN (K = 40, D = 784,
     * three 3x3 convolutions; src/test/resources/bench/cnn40) the Richardson estimate from h = 0.1 is 0.157 off J,
     * because steps that large cross ReLU kinks in many columns, while J matches the float64 listing; each column is
     * compared with the estimate closest to J.
     */
    static final double[] SMALL_STEPS = { 1e-2, 1e-3 };
    /** Input coordinates checked per image (all of them when D is smaller). */
    static final int CHECK_COLUMNS = 96;
    /**
     * Largest relative error (max |J - J_fd| / max |J_fd|) accepted: central differences in float32 at
     * h = 1e-2 are themselves this far off on smooth encoders; a wrong rule is off by O(1).
     */
    static final double CHECK_TOLERANCE = 2e-2;
    /**
     * The check holds when the 90th percentile of the per-coordinate errors is within {@link #CHECK_TOLERANCE} (the
     * largest is recorded too). On the ReLU CNN of {@link #SMALL_STEPS} (J's largest entry 1.8e-3, so float32
     * round-off of the embedding is large against it), J matches the float64 listing within 1.1e-9 while the
     * per-coordinate errors of its best estimates reach 2.4e-2 (median 2.3e-3): a few coordinates sit within a
     * step of a kink or in round-off. A wrong rule is off by O(1) on most coordinates it touches; one that touched
     * fewer than a tenth of them would pass this check, and is what the per-op gradient tests are for.
     */
    static final double CHECK_QUANTILE = 0.9;

    private final Differentiator.Scorer scorer;
    private final GraphRunner runner;
    private final long[] chw;
    private final double eps;

    ExactScorer(Differentiator.Scorer scorer, long[] chw, double eps) {
        this.scorer = scorer;
        this.chw = chw;
        this.eps = eps;
        this.runner = GraphRunner.open(scorer.graph(), "scorer.onnx (generated)", 0, false);
    }

    Differentiator.Scorer graph() {
        return scorer;
    }

    /** float32 Jacobians {@code [count, K, D]} of {@code count} images. */
    float[] jacobians(float[] pixels, int count) {
        double[] x = new double[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pixels[i];
        }
        double[] j = runner.run(scorer.input(), x, shape(count), false, List.of(Differentiator.JACOBIAN))
                .get(Differentiator.JACOBIAN).reals();
        float[] f = new float[j.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) j[i];
        }
        return f;
    }

    /** JEPA-SCOREs of {@code count} images laid out one after another. */
    double[] scores(float[] pixels, int count) {
        int d = scorer.inputSize();
        int k = scorer.embeddingDim();
        double[] out = new double[count];
        for (int from = 0; from < count; from += BATCH) {
            int b = Math.min(BATCH, count - from);
            float[] j = jacobians(Arrays.copyOfRange(pixels, from * d, (from + b) * d), b);
            for (int i = 0; i < b; i++) {
                out[from + i] = JacobianMath.scoreFromJacobian(j, i * k * d, k, d, eps);
            }
        }
        return out;
    }

    /**
     * Relative error of the generated J against central differences through {@code encoder} at {@code image}, for
     * each of {@link #CHECK_COLUMNS} seeded input coordinates: max over the K rows of |J - J_fd| over J_fd's largest
     * entry at this image.
     */
    double[] check(GraphRunner encoder, String input, String output, float[] image, long seed) {
        int d = scorer.inputSize();
        int k = scorer.embeddingDim();
        float[] j = jacobians(image, 1);
        int[] columns = columns(d, seed);
        double[] ours = new double[k * columns.length];
        double[] fd = new double[k * columns.length];
        double[] x = new double[d];
        for (int i = 0; i < d; i++) {
            x[i] = image[i];
        }
        double[] coarse = CentralDifferences.jacobian(encoder, input, output, chw, x, CHECK_STEP, false, columns);
        double[] cd = CentralDifferences.jacobian(encoder, input, output, chw, x, CHECK_STEP / 2, false, columns);
        for (int i = 0; i < cd.length; i++) {
            cd[i] = (4 * cd[i] - coarse[i]) / 3;
        }
        List<double[]> estimates = new java.util.ArrayList<>(List.of(cd));
        for (double h : SMALL_STEPS) {
            estimates.add(CentralDifferences.jacobian(encoder, input, output, chw, x, h, false, columns));
        }
        int n = columns.length;
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                ours[r * n + c] = j[r * d + columns[c]];
            }
        }
        // per input coordinate, the estimate closest to J over its K rows (a ReLU kink within one step spoils that
        // step's estimate of the whole column; a wrong rule is far from every estimate)
        double scale = 0;
        for (double v : cd) {
            scale = Math.max(scale, Math.abs(v));
        }
        double[] errors = new double[n];
        for (int c = 0; c < n; c++) {
            double[] best = null;
            double bestDiff = Double.MAX_VALUE;
            for (double[] e : estimates) {
                double diff = 0;
                for (int r = 0; r < k; r++) {
                    diff = Math.max(diff, Math.abs(ours[r * n + c] - e[r * n + c]));
                }
                if (diff < bestDiff) {
                    bestDiff = diff;
                    best = e;
                }
            }
            for (int r = 0; r < k; r++) {
                fd[r * n + c] = best[r * n + c];
            }
            errors[c] = bestDiff / Math.max(scale, 1e-300);
        }
        return errors;
    }

    private static int[] columns(int d, long seed) {
        if (d <= CHECK_COLUMNS) {
            return java.util.stream.IntStream.range(0, d).toArray();
        }
        Random random = new Random(seed);
        return random.ints(0, d).distinct().limit(CHECK_COLUMNS).sorted().toArray();
    }

    private long[] shape(int count) {
        return Differentiator.concat(new long[] { count }, chw);
    }

    @Override
    public void close() {
        runner.close();
    }
}
