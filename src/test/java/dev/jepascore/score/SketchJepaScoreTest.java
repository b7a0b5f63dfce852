package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * The finite-difference sketch through an encoder whose Jacobian is known exactly: a linear map
 * {@code f(x) = A x} (J = A everywhere) and {@code tanh(0.2 A x) / 0.2} ({@code J = diag(1 - tanh^2(0.2 A x)) A}).
 */
class SketchJepaScoreTest {

    private static final int K = 4;
    private static final int D = 24;
    private static final double EPS = JacobianMath.PAPER_EPS;

    private final Random random = new Random(5);
    private final double[] a = gaussian(K * D);

    @Test
    void full_basis_matches_the_exact_score_of_a_linear_encoder() {
        SketchJepaScore sketch = new SketchJepaScore(this::linear, K, D, D, 1e-1, 7, EPS, 64);
        float[] x = floats(gaussian(D));
        double exact = logSingular(a);
        // float32 encoder outputs: central differences of a linear map are exact up to rounding
        assertEquals(exact, sketch.scores(run(x, 1))[0], 1e-4);
    }

    @Test
    void full_basis_matches_the_exact_score_of_a_tanh_encoder() {
        SketchJepaScore sketch = new SketchJepaScore(this::tanh, K, D, D, 1e-2, 7, EPS, 64);
        float[] x = floats(gaussian(D));
        double[] pre = new double[K];
        for (int r = 0; r < K; r++) {
            for (int i = 0; i < D; i++) {
                pre[r] += a[r * D + i] * x[i];
            }
        }
        double[] j = new double[K * D];
        for (int r = 0; r < K; r++) {
            double t = Math.tanh(0.2 * pre[r]);
            for (int i = 0; i < D; i++) {
                j[r * D + i] = (1 - t * t) * a[r * D + i];
            }
        }
        // O(h^2) truncation error of central differences plus float32 rounding (1e-7 / h)
        assertEquals(logSingular(j), sketch.scores(run(x, 1))[0], 1e-3);
    }

    @Test
    void same_image_gets_the_same_score_whatever_the_batch_and_run_size() {
        float[] batch = floats(gaussian(3 * D));
        double[] together = new SketchJepaScore(this::tanh, K, D, 8, 1e-2, 11, EPS, 1000).scores(run(batch, 3));
        double[] oneRowPerRun = new SketchJepaScore(this::tanh, K, D, 8, 1e-2, 11, EPS, 1).scores(run(batch, 3));
        for (int i = 0; i < 3; i++) {
            float[] single = java.util.Arrays.copyOfRange(batch, i * D, (i + 1) * D);
            double alone = new SketchJepaScore(this::tanh, K, D, 8, 1e-2, 11, EPS, 5).scores(run(single, 1))[0];
            assertEquals(alone, together[i], 0.0);
            assertEquals(alone, oneRowPerRun[i], 0.0);
        }
    }

    @Test
    void rejects_fewer_directions_than_the_embedding_size() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SketchJepaScore(this::linear, K, D, K - 1, 1e-2, 1, EPS, 8));
        assertEquals("sketch directions m=3 must satisfy K <= m <= D (K=4, D=24)", e.getMessage());
    }

    @Test
    void rejects_an_encoder_whose_output_is_not_n_by_k() {
        SketchJepaScore sketch = new SketchJepaScore((pixels, batch) -> new float[batch * (K + 1)], K, D, K, 1e-2, 1,
                EPS, 8);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sketch.scores(run(floats(gaussian(D)), 1)));
        assertEquals("the encoder returned 40 values for 8 images; expected 8 x K=4", e.getMessage());
    }

    private float[] linear(float[] pixels, int batch) {
        float[] out = new float[batch * K];
        for (int n = 0; n < batch; n++) {
            for (int r = 0; r < K; r++) {
                double s = 0;
                for (int i = 0; i < D; i++) {
                    s += a[r * D + i] * pixels[n * D + i];
                }
                out[n * K + r] = (float) s;
            }
        }
        return out;
    }

    private float[] tanh(float[] pixels, int batch) {
        float[] out = linear(pixels, batch);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.tanh(out[i] * 0.2) / 0.2f;
        }
        return out;
    }

    private static ModelRun run(float[] pixels, int count) {
        return new ModelRun(pixels, count, D, new float[count * K], K, null);
    }

    private double[] gaussian(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double logSingular(double[] j) {
        DMatrixRMaj m = new DMatrixRMaj(K, D);
        System.arraycopy(j, 0, m.data, 0, K * D);
        double sum = 0;
        for (double s : SingularOps_DDRM.singularValues(m)) {
            sum += Math.log(s);
        }
        return sum;
    }
}
