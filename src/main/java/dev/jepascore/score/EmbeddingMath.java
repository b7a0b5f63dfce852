package dev.jepascore.score;

import java.util.Arrays;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * Embedding-space statistics of a reference set, in double precision: the Ledoit-Wolf shrunk
 * covariance and Mahalanobis distances to it, and k-th nearest neighbour distances. Pure functions,
 * tested without a model; models/signals.py computes the same numbers for the model package and its
 * evaluation. Embeddings are row-major {@code float[count * dim]}.
 */
public final class EmbeddingMath {

    private EmbeddingMath() {
    }

    /**
     * Mean and inverse covariance factor of a reference set.
     *
     * @param mean      the reference mean
     * @param whitening lower-triangular Cholesky factor L of the shrunk covariance C = L L^T (row-major
     *                  dim x dim); the Mahalanobis distance is |L^-1 (z - mean)|
     * @param shrinkage the weight of the scaled identity in C, 0 to 1
     */
    public record Gaussian(double[] mean, double[] whitening, int dim, double shrinkage) {
    }

    /**
     * Ledoit &amp; Wolf (2004), "A well-conditioned estimator for large-dimensional covariance
     * matrices": {@code C = (1 - s) S + s mu I}, S the maximum-likelihood covariance (divided by n),
     * {@code mu = trace(S) / p}, {@code s = min(beta, delta) / delta} with
     * {@code delta = |S - mu I|_F^2 / p} and {@code beta = (sum_i |x_i|^4 - n |S|_F^2) / (n^2 p)}
     * (x_i the centred rows). The same estimator as scikit-learn's {@code ledoit_wolf}.
     */
    public static Gaussian ledoitWolf(float[] x, int n, int p) {
        if (n < 2 || x.length != n * p) {
            throw new IllegalArgumentException("need at least 2 rows of " + p + " values, found " + x.length
                    + " values for " + n + " rows");
        }
        double[] mean = new double[p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                mean[j] += x[i * p + j];
            }
        }
        for (int j = 0; j < p; j++) {
            mean[j] /= n;
        }
        double[] s = new double[p * p];
        double sumRow4 = 0;
        double[] c = new double[p];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < p; j++) {
                c[j] = x[i * p + j] - mean[j];
                sq += c[j] * c[j];
            }
            sumRow4 += sq * sq;
            for (int a = 0; a < p; a++) {
                double ca = c[a];
                for (int b = a; b < p; b++) {
                    s[a * p + b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                s[a * p + b] /= n;
                s[b * p + a] = s[a * p + b];
            }
        }
        double trace = 0;
        double frob2 = 0;
        for (int a = 0; a < p; a++) {
            trace += s[a * p + a];
        }
        for (double v : s) {
            frob2 += v * v;
        }
        double mu = trace / p;
        double delta = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                double d = s[a * p + b] - (a == b ? mu : 0);
                delta += d * d;
            }
        }
        delta /= p;
        double beta = (sumRow4 - n * frob2) / ((double) n * n * p);
        double shrinkage = delta == 0 ? 0 : Math.min(beta, delta) / delta;
        double[] cov = new double[p * p];
        for (int i = 0; i < p * p; i++) {
            cov[i] = (1 - shrinkage) * s[i];
        }
        for (int a = 0; a < p; a++) {
            cov[a * p + a] += shrinkage * mu;
        }
        return new Gaussian(mean, cholesky(cov, p), p, shrinkage);
    }

    /** Lower-triangular L with L L^T = a (symmetric positive definite, row-major p x p). */
    static double[] cholesky(double[] a, int p) {
        DMatrixRMaj m = DMatrixRMaj.wrap(p, p, a.clone());
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(p, true);
        if (!chol.decompose(m)) {
            throw new IllegalArgumentException("covariance of the reference set is not positive definite ("
                    + p + " dimensions): the reference embeddings are degenerate");
        }
        DMatrixRMaj l = chol.getT(null);
        return l.data;
    }

    /** Mahalanobis distance |L^-1 (z - mean)| of the embedding at {@code z[offset .. offset+dim)}. */
    public static double mahalanobis(Gaussian g, float[] z, int offset) {
        int p = g.dim();
        double[] l = g.whitening();
        double[] y = new double[p];
        double sum = 0;
        for (int a = 0; a < p; a++) { // forward substitution L y = z - mean
            double v = z[offset + a] - g.mean()[a];
            for (int b = 0; b < a; b++) {
                v -= l[a * p + b] * y[b];
            }
            y[a] = v / l[a * p + a];
            sum += y[a] * y[a];
        }
        return Math.sqrt(sum);
    }

    /** Distance between embeddings, and how the reference set is prepared for it. */
    public enum Metric {
        /** |a - b|. */
        EUCLIDEAN,
        /** 1 - cos(a, b), in [0, 2]. */
        COSINE;

        /** Parses the manifest's {@code knn.metric}. */
        public static Metric parse(String name) {
            for (Metric m : values()) {
                if (m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown k-NN metric '" + name + "', expected euclidean or cosine");
        }
    }

    /**
     * Distance from the query {@code q[qOffset .. qOffset+dim)} to its k-th nearest row of the
     * reference set (1-based k): brute force over every row, in double precision.
     *
     * @param refSquaredNorms |r|^2 of each reference row (Euclidean) or 1/|r| (cosine), from
     *                        {@link #prepare(float[], int, int, Metric)}
     */
    public static double kthNearest(float[] ref, double[] refSquaredNorms, int count, int dim, Metric metric,
            float[] q, int qOffset, int k) {
        if (k < 1 || k > count) {
            throw new IllegalArgumentException("k must be in 1.." + count + ", found " + k);
        }
        double qq = 0;
        for (int j = 0; j < dim; j++) {
            qq += (double) q[qOffset + j] * q[qOffset + j];
        }
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            double dot = 0;
            int base = i * dim;
            for (int j = 0; j < dim; j++) {
                dot += (double) ref[base + j] * q[qOffset + j];
            }
            if (metric == Metric.EUCLIDEAN) {
                d[i] = Math.sqrt(Math.max(0, qq - 2 * dot + refSquaredNorms[i]));
            } else {
                double qn = Math.sqrt(qq);
                d[i] = 1 - (qn == 0 ? 0 : dot * refSquaredNorms[i] / qn);
            }
        }
        return kthSmallest(d, k);
    }

    /** Per-row |r|^2 (Euclidean) or 1/|r| (cosine) of the reference set, computed once. */
    public static double[] prepare(float[] ref, int count, int dim, Metric metric) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                sq += (double) ref[i * dim + j] * ref[i * dim + j];
            }
            out[i] = metric == Metric.EUCLIDEAN ? sq : 1 / Math.sqrt(sq);
        }
        return out;
    }

    /** The k-th smallest (1-based) of {@code values}; reorders the array. */
    static double kthSmallest(double[] values, int k) {
        if (k <= 32) { // keep the k smallest in a sorted buffer: one pass, no full sort
            double[] best = new double[k];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            for (double v : values) {
                if (v < best[k - 1]) {
                    int i = k - 1;
                    while (i > 0 && best[i - 1] > v) {
                        best[i] = best[i - 1];
                        i--;
                    }
                    best[i] = v;
                }
            }
            return best[k - 1];
        }
        Arrays.sort(values);
        return values[k - 1];
    }
}
