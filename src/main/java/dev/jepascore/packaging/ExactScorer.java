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
    /** Input coordinates checked per image (all of them when D is smaller). */
    static final int CHECK_COLUMNS = 96;
    /**
     * Largest relative error (max |J - J_fd| / max |J_fd|) accepted: central differences in float32 at
     * h = 1e-2 are themselves this far off on smooth encoders; a wrong rule is off by O(1).
     */
    static final double CHECK_TOLERANCE = 2e-2;

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
     * Max relative error of the generated J against central differences through {@code encoder} at
     * {@code image}, over {@link #CHECK_COLUMNS} seeded input coordinates.
     */
    double check(GraphRunner encoder, String input, String output, float[] image, long seed) {
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
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < columns.length; c++) {
                ours[r * columns.length + c] = j[r * d + columns[c]];
                fd[r * columns.length + c] = cd[r * columns.length + c];
            }
        }
        return CentralDifferences.relativeError(ours, fd);
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
