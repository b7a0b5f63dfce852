package dev.jepascore.score;

import dev.jepascore.result.ScoreResult;
import java.util.stream.IntStream;

import dev.jepascore.ErrorCode;
import dev.jepascore.model.ModelException;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ReferenceSet;
import dev.jepascore.score.EmbeddingMath.Metric;

/**
 * k-NN distance in embedding space: from each image's embedding (the one the scorer run already
 * produced) to its k-th nearest embedding of the model's reference set, brute force in double
 * precision. The reference rows' norms are computed once, at construction.
 */
public final class KnnScore implements ScoringMethod {

    /** {@code knn}: one-sided, settings from {@code signals.knn} (k, metric); shown as a distance. */
    public static final Signal SIGNAL = new Signal("knn", 1, source -> {
        ModelManifest.Knn knn = source.section().knn();
        ReferenceSet ref = source.reference();
        return new KnnScore(ref.embeddings(), ref.count(), ref.dim(), parseMetric(knn.metric()), knn.k());
    }, ScoreResult.Distance::new, true);

    private final float[] reference;
    private final double[] norms;
    private final int count;
    private final int dim;
    private final Metric metric;
    private final int k;

    /**
     * @param reference row-major {@code [count, dim]} reference embeddings (kept, not copied)
     * @param k         1-based rank of the neighbour whose distance is reported
     */
    public KnnScore(float[] reference, int count, int dim, Metric metric, int k) {
        if (k < 1 || k > count) {
            throw new IllegalArgumentException("knn.k must be in 1.." + count + " (the reference set's size), found " + k);
        }
        this.reference = reference;
        this.count = count;
        this.dim = dim;
        this.metric = metric;
        this.k = k;
        this.norms = EmbeddingMath.prepare(reference, count, dim, metric);
    }

    @Override
    public String name() {
        return SIGNAL.name();
    }

    @Override
    public double[] scores(ModelRun run) {
        if (run.embeddingDim() != dim) {
            throw new IllegalArgumentException("embeddings of dimension " + run.embeddingDim()
                    + " against a reference set of dimension " + dim);
        }
        double[] out = new double[run.count()];
        IntStream.range(0, run.count()).parallel().forEach(i -> out[i] = EmbeddingMath.kthNearest(reference, norms,
                count, dim, metric, run.embeddings(), i * dim, k));
        return out;
    }

    private static Metric parseMetric(String name) {
        try {
            return Metric.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ModelException(ErrorCode.MODEL_MANIFEST_INVALID, "model.json signals.knn.metric: " + e.getMessage(), e);
        }
    }
}
