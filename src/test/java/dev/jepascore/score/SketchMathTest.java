package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * The sketch estimator against exact log-determinants of known matrices. J V is formed exactly
 * here (no finite differences), so what is tested is the directions and the matrix-Beta correction.
 */
class SketchMathTest {

    private static final double EPS = JacobianMath.PAPER_EPS;

    @Test
    void directions_are_orthonormal_and_repeat_for_the_same_seed() {
        int d = 50;
        int m = 12;
        double[] v = SketchMath.orthonormalDirections(d, m, 42);
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += v[a * d + i] * v[b * d + i];
                }
                assertEquals(a == b ? 1.0 : 0.0, dot, 1e-12, "V^T V at " + a + "," + b);
            }
        }
        assertArrayEquals(v, SketchMath.orthonormalDirections(d, m, 42));
        assertTrue(v[0] != SketchMath.orthonormalDirections(d, m, 43)[0], "another seed gives other directions");
    }

    @Test
    void full_basis_gives_the_exact_score() {
        Random random = new Random(3);
        int k = 6;
        int d = 20;
        DMatrixRMaj j = gaussian(random, k, d);
        double[] jv = sketch(j, SketchMath.orthonormalDirections(d, d, 9), d);
        assertEquals(0.0, SketchMath.orthonormalBias(k, d, d), 1e-15);
        assertEquals(0.0, SketchMath.scoreSd(k, d, d), 1e-15);
        assertEquals(exactScore(j), SketchMath.score(jv, 0, k, d, d, EPS), 1e-10);
    }

    @Test
    void diagonal_jacobian_at_full_basis_scores_the_log_diagonal() {
        int k = 3;
        int d = 7;
        DMatrixRMaj j = new DMatrixRMaj(k, d);
        j.set(0, 0, 2);
        j.set(1, 3, 0.25);
        j.set(2, 6, 5);
        double[] jv = sketch(j, SketchMath.orthonormalDirections(d, d, 1), d);
        assertEquals(Math.log(2) + Math.log(0.25) + Math.log(5), SketchMath.score(jv, 0, k, d, d, EPS), 1e-12);
    }

    /**
     * Over 400 seeds the bias-corrected estimate averages to the exact score within 4 standard
     * errors (predicted sd / sqrt(400)), and the spread over seeds matches the predicted sd within
     * 15% (the sd of a sample sd from 400 draws is about 3.5%).
     */
    @Test
    void estimate_is_unbiased_over_seeds_and_spreads_as_predicted() {
        Random random = new Random(11);
        int k = 8;
        int d = 60;
        DMatrixRMaj j = gaussian(random, k, d);
        // unequal singular values: scale the rows
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < d; c++) {
                j.set(r, c, j.get(r, c) * Math.pow(2, r - 3));
            }
        }
        double exact = exactScore(j);
        for (int m : new int[] { 8, 16, 30 }) {
            int seeds = 400;
            double sum = 0;
            double sumSq = 0;
            for (int s = 0; s < seeds; s++) {
                double est = SketchMath.score(sketch(j, SketchMath.orthonormalDirections(d, m, 1000 + s), d), 0, k, m, d,
                        EPS);
                sum += est;
                sumSq += est * est;
            }
            double mean = sum / seeds;
            double sd = Math.sqrt(sumSq / seeds - mean * mean);
            double predicted = SketchMath.scoreSd(k, m, d);
            assertEquals(exact, mean, 4 * predicted / Math.sqrt(seeds), "mean over seeds at m=" + m);
            assertEquals(predicted, sd, 0.15 * predicted, "sd over seeds at m=" + m);
        }
    }

    @Test
    void uncorrected_sketch_is_biased_low() {
        int k = 8;
        int d = 60;
        assertTrue(SketchMath.orthonormalBias(k, 16, d) < -1, "log det of a matrix Beta is negative on average");
    }

    @Test
    void variance_shrinks_with_more_directions() {
        int k = 32;
        int d = 784;
        double previous = Double.POSITIVE_INFINITY;
        for (int m : new int[] { 32, 64, 128, 392, 700, 784 }) {
            double sd = SketchMath.scoreSd(k, m, d);
            assertTrue(sd < previous, "sd at m=" + m + " is " + sd);
            previous = sd;
        }
        assertEquals(0.0, previous, 0.0);
    }

    @Test
    void rejects_fewer_directions_than_k_or_more_than_d() {
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> SketchMath.orthonormalBias(32, 31, 784));
        assertTrue(few.getMessage().contains("K <= m <= D"), few.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SketchMath.orthonormalBias(32, 785, 784));
        assertThrows(IllegalArgumentException.class, () -> SketchMath.orthonormalDirections(10, 11, 0));
    }

    @Test
    void predicted_spearman_follows_the_bivariate_normal_formula() {
        assertEquals(1.0, SketchMath.predictedSpearman(1.0, 0.0), 0.0);
        // rho = 1/sqrt(2): Spearman = 6/pi asin(0.35355) = 6/pi 0.36137 = 0.6902
        assertEquals(0.6902, SketchMath.predictedSpearman(1.0, 1.0), 1e-4);
        assertTrue(SketchMath.predictedSpearman(1.2, 0.1) > SketchMath.predictedSpearman(1.2, 0.2));
    }

    @Test
    void chosen_directions_are_the_smallest_that_reach_the_target() {
        int k = 40;
        int d = 784;
        double spread = 1.2;
        int m = SketchMath.chooseDirections(k, d, spread, SketchMath.TARGET_SPEARMAN);
        assertTrue(m >= k && m <= d);
        if (m < d) {
            assertTrue(SketchMath.predictedSpearman(spread, SketchMath.scoreSd(k, m, d)) >= 0.999);
        }
        assertTrue(m == k || SketchMath.predictedSpearman(spread, SketchMath.scoreSd(k, m - 1, d)) < 0.999);
        // a model whose scores spread widely needs only K directions
        assertEquals(k, SketchMath.chooseDirections(k, d, 1000, SketchMath.TARGET_SPEARMAN));
    }

    private static DMatrixRMaj gaussian(Random random, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = random.nextGaussian();
        }
        return m;
    }

    /** J V (K x m) for directions stored as m rows of D values. */
    private static double[] sketch(DMatrixRMaj j, double[] directions, int d) {
        int k = j.numRows;
        int m = directions.length / d;
        double[] out = new double[k * m];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < m; c++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += j.get(r, i) * directions[c * d + i];
                }
                out[r * m + c] = dot;
            }
        }
        return out;
    }

    private static double exactScore(DMatrixRMaj j) {
        double sum = 0;
        for (double s : SingularOps_DDRM.singularValues(j.copy())) {
            sum += Math.log(s);
        }
        return sum;
    }
}
