package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.junit.jupiter.api.Test;

class JacobianMathTest {

    private static final double EPS = JacobianMath.PAPER_EPS;

    @Test
    void diagonal_jacobian_scores_sum_of_log_diagonal() {
        int k = 3;
        int d = 5;
        float[] j = new float[k * d];
        j[0] = 2f;
        j[d + 1] = 0.5f;
        j[2 * d + 2] = 3f;
        double expected = Math.log(2) + Math.log(0.5) + Math.log(3);
        assertEquals(expected, JacobianMath.scoreFromJacobian(j, 0, k, d, EPS), 1e-12);
    }

    @Test
    void random_jacobian_matches_singular_values_of_j() {
        Random random = new Random(7);
        int k = 16;
        int d = 100;
        float[] j = new float[k * d];
        DMatrixRMaj m = new DMatrixRMaj(k, d);
        for (int i = 0; i < j.length; i++) {
            j[i] = (float) random.nextGaussian();
            m.data[i] = j[i];
        }
        double expected = 0;
        for (double s : SingularOps_DDRM.singularValues(m)) {
            expected += Math.log(s);
        }
        assertEquals(expected, JacobianMath.scoreFromJacobian(j, 0, k, d, EPS), 1e-9);
    }

    @Test
    void rank_deficient_jacobian_clips_missing_singular_values_at_eps() {
        int k = 4;
        int d = 6;
        float[] j = new float[k * d];
        j[0] = 1f;
        j[d + 1] = 4f;
        // rows 2 and 3 are zero: two singular values are 0 and are clipped to eps
        double expected = Math.log(1) + Math.log(4) + 2 * Math.log(EPS);
        assertEquals(expected, JacobianMath.scoreFromJacobian(j, 0, k, d, EPS), 1e-9);
    }

    @Test
    void tiny_singular_value_is_exact_through_the_svd_fallback() {
        int k = 2;
        int d = 3;
        float[] j = { 1000f, 0f, 0f, 0f, 1e-5f, 0f };
        double expected = Math.log(1000) + Math.log(1e-5f);
        assertEquals(expected, JacobianMath.scoreFromJacobian(j, 0, k, d, EPS), 1e-6);
    }

    @Test
    void gram_and_jacobian_paths_agree() {
        Random random = new Random(11);
        int k = 8;
        int d = 40;
        float[] j = new float[k * d];
        for (int i = 0; i < j.length; i++) {
            j[i] = (float) random.nextGaussian();
        }
        double[] gram = new double[k * k];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    sum += (double) j[r * d + i] * j[c * d + i];
                }
                gram[r * k + c] = sum;
            }
        }
        assertEquals(JacobianMath.scoreFromJacobian(j, 0, k, d, EPS), JacobianMath.scoreFromDoubleGram(gram, 0, null, k, d, EPS),
                1e-9);
    }

    @Test
    void ill_conditioned_gram_falls_back_to_the_singular_values_of_j() {
        float[] j = { 1000f, 0f, 0f, 0f, 1e-5f, 0f };
        // a Gram matrix whose small eigenvalue is lost: the Jacobian decides
        double[] gram = { 1e6, 0, 0, 0 };
        double expected = Math.log(1000) + Math.log(1e-5f);
        assertEquals(expected, JacobianMath.scoreFromDoubleGram(gram, 0, () -> j, 2, 3, EPS), 1e-6);
    }

    @Test
    void cholesky_fast_path_equals_the_eigenvalue_sum_on_well_conditioned_grams() {
        Random random = new Random(3);
        int k = 64;
        int d = 784;
        DMatrixRMaj j = new DMatrixRMaj(k, d);
        for (int i = 0; i < j.data.length; i++) {
            j.data[i] = random.nextGaussian() * 0.05;
        }
        DMatrixRMaj gram = new DMatrixRMaj(k, k);
        org.ejml.dense.row.CommonOps_DDRM.multOuter(j, gram);
        double fast = JacobianMath.halfLogDetIfSafe(gram, EPS);
        double viaEigen = JacobianMath.sumLogClipped(
                JacobianMath.sqrtNonNegative(JacobianMath.symmetricEigenvalues(gram)), EPS);
        assertTrue(!Double.isNaN(fast), "a well-conditioned Gram matrix takes the fast path");
        assertEquals(viaEigen, fast, 1e-9);
    }

    @Test
    void cholesky_fast_path_declines_when_a_singular_value_nears_the_clip() {
        DMatrixRMaj gram = new DMatrixRMaj(new double[][] { { 1, 0 }, { 0, 1e-13 } });
        assertTrue(Double.isNaN(JacobianMath.halfLogDetIfSafe(gram, EPS)));
        DMatrixRMaj singular = new DMatrixRMaj(new double[][] { { 1, 1 }, { 1, 1 } });
        assertTrue(Double.isNaN(JacobianMath.halfLogDetIfSafe(singular, EPS)));
    }

    @Test
    void reads_the_jacobian_at_its_offset_in_a_batch() {
        int k = 2;
        int d = 2;
        float[] batch = { 1f, 0f, 0f, 1f, 2f, 0f, 0f, 3f };
        assertEquals(0.0, JacobianMath.scoreFromJacobian(batch, 0, k, d, EPS), 1e-12);
        assertEquals(Math.log(6), JacobianMath.scoreFromJacobian(batch, 4, k, d, EPS), 1e-12);
    }

    @Test
    void clipping_never_yields_minus_infinity() {
        float[] zeros = new float[3 * 4];
        double score = JacobianMath.scoreFromJacobian(zeros, 0, 3, 4, EPS);
        assertEquals(3 * Math.log(EPS), score, 1e-9);
        assertTrue(Double.isFinite(score));
    }
}
