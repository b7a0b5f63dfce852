package dev.jepascore.score;

import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.jepascore.model.ModelRuntime;

/**
 * JEPA-SCORE from the exact scorer graph: the Gram matrices J J^T of the run (double precision),
 * their eigenvalues, the clipped log-sum. For the rare ill-conditioned Gram matrix the float32
 * Jacobian of that image is recomputed and its singular values taken instead.
 */
public final class ExactJacobianScore implements ScoringMethod {

    private final ModelRuntime model;
    private final double eps;

    public ExactJacobianScore(ModelRuntime model) {
        this.model = model;
        this.eps = model.manifest().eps();
    }

    @Override
    public String name() {
        return "jepa";
    }

    @Override
    public double[] scores(ModelRun run) {
        if (run.grams() == null) {
            throw new IllegalArgumentException("exact JEPA-SCORE needs the scorer graph's Gram matrices; the run has none");
        }
        int k = run.embeddingDim();
        double[] scores = new double[run.count()];
        IntStream.range(0, run.count()).parallel().forEach(i -> {
            Supplier<float[]> jacobian = model.outputsJacobian() ? () -> model.jacobian(run.image(i)) : null;
            scores[i] = JacobianMath.scoreFromDoubleGram(run.grams(), i * k * k, jacobian, k, run.inputSize(), eps);
        });
        return scores;
    }
}
