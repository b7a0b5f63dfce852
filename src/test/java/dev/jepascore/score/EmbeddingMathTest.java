package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.jepascore.score.EmbeddingMath.Gaussian;
import dev.jepascore.score.EmbeddingMath.Metric;

class EmbeddingMathTest {

    /**
     * Rows (2,0), (-2,0), (0,1), (0,-1), by hand: mean 0, S = diag(2, 0.5), mu = 1.25,
     * delta = (0.75^2 + 0.75^2) / 2 = 0.5625, sum |x|^4 = 34, |S|_F^2 = 4.25,
     * beta = (34 - 4 * 4.25) / (16 * 2) = 17/32, shrinkage = (17/32) / 0.5625 = 17/18,
     * C = S / 18 + (17/18) 1.25 I = diag(23.25, 21.75) / 18.
     */
    private static final float[] CROSS = { 2, 0, -2, 0, 0, 1, 0, -1 };

    @Test
    void ledoit_wolf_shrinkage_matches_the_hand_computation() {
        Gaussian g = EmbeddingMath.ledoitWolf(CROSS, 4, 2);
        assertEquals(17.0 / 18.0, g.shrinkage(), 1e-12);
        assertEquals(0.0, g.mean()[0], 0);
        assertEquals(0.0, g.mean()[1], 0);
        // Cholesky factor of a diagonal covariance: the square roots
        assertEquals(Math.sqrt(23.25 / 18), g.whitening()[0], 1e-12);
        assertEquals(0.0, g.whitening()[2], 1e-15);
        assertEquals(Math.sqrt(21.75 / 18), g.whitening()[3], 1e-12);
    }

    @Test
    void mahalanobis_distance_uses_the_shrunk_covariance() {
        Gaussian g = EmbeddingMath.ledoitWolf(CROSS, 4, 2);
        double expected = Math.sqrt(18 / 23.25 + 18 / 21.75);
        assertEquals(expected, EmbeddingMath.mahalanobis(g, new float[] { 9, 1, 1 }, 1), 1e-12);
        assertEquals(0.0, EmbeddingMath.mahalanobis(g, new float[] { 0, 0 }, 0), 0);
    }

    @Test
    void mahalanobis_of_a_correlated_covariance_solves_the_triangular_system() {
        // rows (1,1), (-1,-1), (0.5,-0.5), (-0.5,0.5): S has an off-diagonal term; compared with the 2x2 inverse
        float[] x = { 1, 1, -1, -1, 0.5f, -0.5f, -0.5f, 0.5f };
        Gaussian g = EmbeddingMath.ledoitWolf(x, 4, 2);
        // S = [[0.625, 0.375], [0.375, 0.625]], mu = 0.625, delta = 2 * 0.375^2 / 2 = 0.140625,
        // sum |x|^4 = 4 + 4 + 0.25 + 0.25 = 8.5, |S|_F^2 = 2 * 0.390625 + 2 * 0.140625 = 1.0625,
        // beta = (8.5 - 4.25) / 32 = 0.1328125, shrinkage = 0.1328125 / 0.140625 = 0.9444...
        double s = 0.1328125 / 0.140625;
        assertEquals(s, g.shrinkage(), 1e-12);
        double a = 0.625;
        double b = (1 - s) * 0.375;
        double det = a * a - b * b;
        // (1,0) C^-1 (1,0)^T = a / det; (1,1) C^-1 (1,1)^T = 2 (a - b) / det
        assertEquals(Math.sqrt(a / det), EmbeddingMath.mahalanobis(g, new float[] { 1, 0 }, 0), 1e-12);
        assertEquals(Math.sqrt(2 * (a - b) / det), EmbeddingMath.mahalanobis(g, new float[] { 1, 1 }, 0), 1e-12);
    }

    @Test
    void identical_rows_have_no_shrinkage_target_and_are_rejected_as_degenerate() {
        float[] x = { 1, 2, 1, 2, 1, 2 };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingMath.ledoitWolf(x, 3, 2));
        assertEquals(true, e.getMessage().contains("not positive definite"), e.getMessage());
    }

    @Test
    void euclidean_kth_nearest_distance() {
        float[] ref = { 0, 0, 3, 4, 6, 8 };
        double[] prep = EmbeddingMath.prepare(ref, 3, 2, Metric.EUCLIDEAN);
        float[] q = { 0, 0 };
        assertEquals(0.0, EmbeddingMath.kthNearest(ref, prep, 3, 2, Metric.EUCLIDEAN, q, 0, 1), 1e-12);
        assertEquals(5.0, EmbeddingMath.kthNearest(ref, prep, 3, 2, Metric.EUCLIDEAN, q, 0, 2), 1e-12);
        assertEquals(10.0, EmbeddingMath.kthNearest(ref, prep, 3, 2, Metric.EUCLIDEAN, q, 0, 3), 1e-12);
    }

    @Test
    void cosine_kth_nearest_distance_ignores_length() {
        float[] ref = { 1, 0, 0, 2, 1, 1 };
        double[] prep = EmbeddingMath.prepare(ref, 3, 2, Metric.COSINE);
        float[] q = { 5, 2, 0 }; // the query (2, 0) at offset 1
        assertEquals(0.0, EmbeddingMath.kthNearest(ref, prep, 3, 2, Metric.COSINE, q, 1, 1), 1e-12);
        assertEquals(1 - Math.sqrt(0.5), EmbeddingMath.kthNearest(ref, prep, 3, 2, Metric.COSINE, q, 1, 2), 1e-12);
        assertEquals(1.0, EmbeddingMath.kthNearest(ref, prep, 3, 2, Metric.COSINE, q, 1, 3), 1e-12);
    }

    @Test
    void kth_smallest_agrees_with_sorting_for_small_and_large_k() {
        java.util.Random random = new java.util.Random(1);
        double[] values = new double[500];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        for (int k : new int[] { 1, 5, 32, 33, 500 }) {
            assertEquals(sorted[k - 1], EmbeddingMath.kthSmallest(values.clone(), k), 0, "k=" + k);
        }
    }

    @Test
    void k_outside_the_reference_set_is_rejected() {
        float[] ref = { 0, 0, 1, 1 };
        double[] prep = EmbeddingMath.prepare(ref, 2, 2, Metric.EUCLIDEAN);
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingMath.kthNearest(ref, prep, 2, 2, Metric.EUCLIDEAN, new float[2], 0, 3));
    }
}
