package dev.jepascore.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.EmbeddingSignals;
import dev.jepascore.score.ExactJacobianScore;
import dev.jepascore.score.ModelRun;
import dev.jepascore.score.ScoringMethod;

/**
 * What the signals beside JEPA-SCORE cost per image, side by side with the exact JEPA-SCORE post-processing of the
 * same run (eigenvalues of J J^T) and with the ONNX run itself: k-NN over the whole reference set (brute force,
 * double precision), Mahalanobis, input complexity, the combination. Prints figures; asserts nothing. Run:
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dbench.main=dev.jepascore.bench.SignalsBenchmark}
 */
public final class SignalsBenchmark {

    public static void main(String[] args) throws Exception {
        int batch = Integer.getInteger("bench.batch", 32);
        int rounds = Integer.getInteger("bench.rounds", 30);
        List<byte[]> fixtures = ScorerBenchmark.fixtureImages();
        List<byte[]> images = new ArrayList<>();
        while (images.size() < batch) {
            images.add(fixtures.get(images.size() % fixtures.size()));
        }
        try (ModelRuntime model = ModelRuntime.open(ScorerBenchmark.modelConfig(batch))) {
            EmbeddingSignals signals = EmbeddingSignals.load(model.manifest(), model.packageDir(), model.inputSpec());
            float[] pixels = ScorerBenchmark.preprocess(model, images);
            ScoringMethod jepa = new ExactJacobianScore(model);
            Map<String, Double> best = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                ModelRun run = ModelRun.of(pixels, model.score(pixels, batch));
                keepBest(best, "ONNX run (scorer graph + float64 Gram)", t, batch);
                t = System.nanoTime();
                double[] s = jepa.scores(run);
                keepBest(best, "JEPA-SCORE eigenvalues + log-sum", t, batch);
                Map<String, double[]> raw = new LinkedHashMap<>();
                for (ScoringMethod m : signals.methods()) {
                    t = System.nanoTime();
                    raw.put(m.name(), m.scores(run));
                    keepBest(best, m.name(), t, batch);
                }
                t = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    Map<String, Double> v = new LinkedHashMap<>();
                    v.put("jepa", s[i]);
                    for (Map.Entry<String, double[]> e : raw.entrySet()) {
                        v.put(e.getKey(), e.getValue()[i]);
                    }
                    signals.assess(v);
                }
                keepBest(best, "combination (tails, Fisher, percentile, reasons)", t, batch);
            }
            double jacobian = best.get("JEPA-SCORE eigenvalues + log-sum");
            System.out.printf("machine: %d cores, %s; batch %d, best of %d rounds, ms per image%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), batch, rounds);
            for (Map.Entry<String, Double> e : best.entrySet()) {
                System.out.printf("  %-50s %8.4f ms   (%.2fx the JEPA-SCORE post-processing)%n", e.getKey(), e.getValue(),
                        e.getValue() / jacobian);
            }
        }
    }

    private static void keepBest(Map<String, Double> best, String name, long start, int batch) {
        double ms = (System.nanoTime() - start) / 1e6 / batch;
        best.merge(name, ms, Math::min);
    }
}
