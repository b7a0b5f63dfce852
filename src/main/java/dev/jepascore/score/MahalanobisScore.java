package dev.jepascore.score;

import dev.jepascore.result.ScoreResult;
import dev.jepascore.ErrorCode;
import dev.jepascore.model.ModelException;
import dev.jepascore.model.ReferenceSet;
import dev.jepascore.score.EmbeddingMath.Gaussian;

/**
 * Mahalanobis distance of each image's embedding to the reference set's mean under its Ledoit-Wolf
 * shrunk covariance (fitted once, at construction).
 */
public final class MahalanobisScore implements ScoringMethod {

    /**
     * Start-up check of the Ledoit-Wolf shrinkage against the tooling's: a reference set read differently
     * (byte order, rows) would give another value. Both are float64 over the same float32 values.
     */
    static final double SHRINKAGE_TOLERANCE = 1e-6;

    /**
     * {@code mahalanobis}: one-sided, fitted on the reference set; when {@code signals.mahalanobis.shrinkageValue}
     * is given, the fitted shrinkage must match it. Shown as a distance.
     */
    public static final Signal SIGNAL = new Signal("mahalanobis", 1, MahalanobisScore::checked,
            ScoreResult.Distance::new, true);

    /** Fitted on the reference set, its shrinkage checked against the one the package records (when it does). */
    private static MahalanobisScore checked(Signal.Source source) {
        ReferenceSet ref = source.reference();
        MahalanobisScore fitted = fit(ref.embeddings(), ref.count(), ref.dim());
        Double expected = source.section().mahalanobis() == null ? null
                : source.section().mahalanobis().shrinkageValue();
        double found = fitted.gaussian().shrinkage();
        if (expected != null && Math.abs(expected - found) > SHRINKAGE_TOLERANCE) {
            throw new ModelException(ErrorCode.REFERENCE_SET_INVALID, "reference set " + ref.file().toAbsolutePath()
                    + ": its Ledoit-Wolf shrinkage is " + found + " but model.json signals.mahalanobis.shrinkageValue"
                    + " says " + expected + " (a different file than the one the package was calibrated with?)");
        }
        return fitted;
    }

    private final Gaussian gaussian;

    public MahalanobisScore(Gaussian gaussian) {
        this.gaussian = gaussian;
    }

    /** Fits the shrunk Gaussian of a row-major {@code [count, dim]} reference set. */
    public static MahalanobisScore fit(float[] reference, int count, int dim) {
        return new MahalanobisScore(EmbeddingMath.ledoitWolf(reference, count, dim));
    }

    /** The fitted mean, whitening factor and shrinkage (reported at start-up, checked against the manifest). */
    public Gaussian gaussian() {
        return gaussian;
    }

    @Override
    public String name() {
        return SIGNAL.name();
    }

    @Override
    public double[] scores(ModelRun run) {
        if (run.embeddingDim() != gaussian.dim()) {
            throw new IllegalArgumentException("embeddings of dimension " + run.embeddingDim()
                    + " against a reference set of dimension " + gaussian.dim());
        }
        double[] out = new double[run.count()];
        for (int i = 0; i < run.count(); i++) {
            out[i] = EmbeddingMath.mahalanobis(gaussian, run.embeddings(), i * gaussian.dim());
        }
        return out;
    }
}
