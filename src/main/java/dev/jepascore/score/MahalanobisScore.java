package dev.jepascore.score;

import dev.jepascore.score.EmbeddingMath.Gaussian;

/**
 * Mahalanobis distance of each image's embedding to the reference set's mean under its Ledoit-Wolf
 * shrunk covariance (fitted once, at construction).
 */
public final class MahalanobisScore implements ScoringMethod {

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
        return "mahalanobis";
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
