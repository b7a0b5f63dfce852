package dev.jepascore.score;

import java.util.List;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelRuntime;

/**
 * JEPA-SCORE averaged over input transforms (the paper's Equation (4), {@code -log mean_T exp(-score_T)}), on when
 * the manifest lists {@code transforms}: one more scorer run per transform other than {@code identity}, each scored
 * by the exact method. Off for the bundled model (EVALUATION.md: it did not separate better there).
 */
public final class TransformAveragedScore implements ScoringMethod {

    private final ScoringMethod exact;
    private final ModelRuntime model;
    private final List<String> transforms;

    public TransformAveragedScore(ScoringMethod exact, ModelRuntime model, List<String> transforms) {
        this.exact = exact;
        this.model = model;
        this.transforms = List.copyOf(transforms);
    }

    @Override
    public String name() {
        return exact.name();
    }

    @Override
    public double[] scores(ModelRun run) {
        InputSpec spec = model.inputSpec();
        double[][] perTransform = new double[transforms.size()][];
        for (int t = 0; t < transforms.size(); t++) {
            String name = transforms.get(t);
            if (name.equals("identity")) {
                perTransform[t] = exact.scores(run);
            } else {
                float[] pixels = InputTransforms.apply(name, run.pixels(), run.count(), spec.channels(), spec.height(),
                        spec.width());
                perTransform[t] = exact.scores(ModelRun.of(pixels, model.score(pixels, run.count())));
            }
        }
        double[] out = new double[run.count()];
        double[] s = new double[transforms.size()];
        for (int i = 0; i < out.length; i++) {
            for (int t = 0; t < s.length; t++) {
                s[t] = perTransform[t][i];
            }
            out[i] = InputTransforms.average(s);
        }
        return out;
    }
}
