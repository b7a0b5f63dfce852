package dev.jepascore.score;

import java.util.Random;

import org.apache.commons.math3.special.Gamma;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * The sketched log-determinant of DESIGN.md ("Sketch"), pure and tested without a model.
 * <p>
 * With V a D x m matrix of orthonormal columns spanning a uniformly random m-dimensional subspace
 * (QR of a Gaussian matrix), {@code (JV)(JV)^T = J P J^T} for a uniformly random rank-m projection
 * P. Writing {@code J = U S W^T}, {@code log det(J P J^T) = log det(J J^T) + log det(W^T P W)}, and
 * {@code W^T P W} is matrix Beta_K(m/2, (D-m)/2), whose log-determinant has mean
 * {@code sum_{i<K} [psi((m-i)/2) - psi((D-i)/2)]} and variance
 * {@code sum_{i<K} [psi'((m-i)/2) - psi'((D-i)/2)]}. Subtracting the mean gives an unbiased
 * estimate of {@code log det(J J^T)}; at m = D (the full basis) mean and variance are 0 and the
 * estimate is exact. JEPA-SCORE is half the log-determinant, so its estimator's variance is a
 * quarter of the log-determinant's.
 */
public final class SketchMath {

    /** The rank correlation the packaging command asks of the sketch against exact scores. */
    public static final double TARGET_SPEARMAN = 0.999;

    /**
     * The predicted rank correlation m is chosen for: above {@link #TARGET_SPEARMAN} by a margin,
     * because on the bundled model (1000 test images, docs/sketch-accuracy.md) the measured Spearman
     * sat up to 0.0003 below the prediction (0.9988 measured at a predicted 0.9990), and the spread
     * itself is estimated from a finite calibration set.
     */
    public static final double SELECTION_SPEARMAN = 0.9993;

    private SketchMath() {
    }

    /** Fails unless K <= m <= D: fewer directions than K make (JV)(JV)^T singular. */
    public static void checkDirections(int k, int m, int d) {
        if (k < 1 || m < k || m > d) {
            throw new IllegalArgumentException("sketch directions m=" + m + " must satisfy K <= m <= D (K=" + k
                    + ", D=" + d + ")");
        }
    }

    /**
     * m orthonormal directions in R^D, the same for the same seed: the Q factor of the QR
     * decomposition of a D x m matrix of standard normal entries, with column signs fixed by
     * R's diagonal so the subspace is Haar-distributed. Returned row-major as m rows of D values
     * (direction j is {@code [j*D, (j+1)*D)}).
     */
    public static double[] orthonormalDirections(int d, int m, long seed) {
        if (m < 1 || m > d) {
            throw new IllegalArgumentException("need 1 <= m <= D, found m=" + m + ", D=" + d);
        }
        Random random = new Random(seed);
        DMatrixRMaj gaussian = new DMatrixRMaj(d, m);
        for (int i = 0; i < gaussian.data.length; i++) {
            gaussian.data[i] = random.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(d, m);
        if (!qr.decompose(gaussian)) {
            throw new ArithmeticException("QR of a " + d + "x" + m + " Gaussian matrix failed");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        double[] rows = new double[m * d];
        for (int j = 0; j < m; j++) {
            double sign = r.get(j, j) < 0 ? -1 : 1;
            for (int i = 0; i < d; i++) {
                rows[j * d + i] = sign * q.get(i, j);
            }
        }
        return rows;
    }

    /** Mean of {@code log det} of a matrix Beta_K(m/2, (D-m)/2): what the sketch under-counts. */
    public static double orthonormalBias(int k, int m, int d) {
        checkDirections(k, m, d);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += Gamma.digamma((m - i) / 2.0) - Gamma.digamma((d - i) / 2.0);
        }
        return sum;
    }

    /** Variance of the bias-corrected log-determinant estimate (0 at m = D). */
    public static double orthonormalLogDetVariance(int k, int m, int d) {
        checkDirections(k, m, d);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += Gamma.trigamma((m - i) / 2.0) - Gamma.trigamma((d - i) / 2.0);
        }
        return Math.max(sum, 0);
    }

    /** Standard deviation of the sketched JEPA-SCORE (half the log-determinant) around the exact one. */
    public static double scoreSd(int k, int m, int d) {
        return 0.5 * Math.sqrt(orthonormalLogDetVariance(k, m, d));
    }

    /**
     * Bias-corrected estimate of {@code log det(J J^T)} from the sketch {@code JV} (K x m,
     * row-major from {@code offset}): {@code log det((JV)(JV)^T) - orthonormalBias}. Eigenvalues of
     * the K x K Gram matrix are clipped at {@code eps^2}, the paper's clip of singular values.
     */
    public static double logDetEstimate(double[] jv, int offset, int k, int m, int d, double eps) {
        checkDirections(k, m, d);
        DMatrixRMaj sketch = new DMatrixRMaj(k, m);
        System.arraycopy(jv, offset, sketch.data, 0, k * m);
        DMatrixRMaj gram = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multOuter(sketch, gram);
        double halfLogDet = JacobianMath.halfLogDetIfSafe(gram, eps);
        double logDet = Double.isNaN(halfLogDet)
                ? 2 * JacobianMath.sumLogClipped(JacobianMath.sqrtNonNegative(JacobianMath.symmetricEigenvalues(gram)), eps)
                : 2 * halfLogDet;
        return logDet - orthonormalBias(k, m, d);
    }

    /** Sketched JEPA-SCORE: half the bias-corrected log-determinant. */
    public static double score(double[] jv, int offset, int k, int m, int d, double eps) {
        return 0.5 * logDetEstimate(jv, offset, k, m, d, eps);
    }

    /**
     * Predicted Spearman correlation between exact and sketched scores when the exact scores spread
     * with standard deviation {@code scoreSpread} and the estimator adds independent error of
     * standard deviation {@code estimatorSd}: for a bivariate normal with Pearson correlation
     * {@code rho = s / sqrt(s^2 + e^2)}, Spearman's correlation is {@code (6/pi) asin(rho/2)}.
     * Conservative here: with one set of directions for every image part of the error is a shared
     * offset, which does not change ranks.
     */
    public static double predictedSpearman(double scoreSpread, double estimatorSd) {
        if (estimatorSd <= 0) {
            return 1.0;
        }
        if (!(scoreSpread > 0)) {
            return 0.0;
        }
        double rho = scoreSpread / Math.sqrt(scoreSpread * scoreSpread + estimatorSd * estimatorSd);
        return 6 / Math.PI * Math.asin(rho / 2);
    }

    /**
     * The smallest m in [K, D] whose predicted Spearman correlation reaches {@code target} for
     * scores spreading with standard deviation {@code scoreSpread}; D (exact up to the finite
     * differences) when no smaller m does.
     */
    public static int chooseDirections(int k, int d, double scoreSpread, double target) {
        for (int m = k; m < d; m++) {
            if (predictedSpearman(scoreSpread, scoreSd(k, m, d)) >= target) {
                return m;
            }
        }
        return d;
    }
}
