package dev.jepascore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.jepascore.image.InputSpec;
import dev.jepascore.image.Preprocessor;
import dev.jepascore.image.TestImages;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ModelRun;
import dev.jepascore.score.SketchJepaScore;
import dev.jepascore.score.SketchMath;

/**
 * The sketch on a packaged model without a scorer graph (default models/photo-vit), on its fixture
 * images: time per image for m = K, 2K, 4K and the packaged m, the encoder's own forward time
 * beside it, and the sketch's spread over seeds for the same image against the spread of the
 * model's scores over its calibration images. Prints markdown; asserts nothing. Run:
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dbench.main=dev.jepascore.bench.PackageSketchBenchmark}
 * ({@code -Dbench.model=models/<id>}, {@code -Dbench.seeds=4}). When the package holds
 * {@code exact_check.json} (exact scores by the paper's listing, models/vit/exact_scores.py) and
 * {@code -Dbench.images-dir} names the folder its files are in, the sketch is also compared with
 * those exact scores (Spearman, mean absolute error) at m = K, 2K, the packaged m and 4K. A last table
 * times the packaged m against the number of perturbed images per encoder run
 * ({@code -Dbench.run-sizes}, {@code -Dbench.run-size-rounds}).
 */
public final class PackageSketchBenchmark {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("bench.model", "models/photo-vit"));
        int seeds = Integer.getInteger("bench.seeds", 4);
        try (ModelRuntime model = ModelRuntime.open(ModelConfig.forPackage(dir, 64))) {
            ModelManifest m = model.manifest();
            InputSpec spec = m.input();
            int d = spec.size();
            int k = m.embeddingDim();
            List<Path> files;
            try (Stream<Path> s = Files.list(dir.resolve("fixtures"))) {
                files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
            }
            int n = files.size();
            float[] pixels = new float[n * d];
            for (int i = 0; i < n; i++) {
                Preprocessor.toTensor(TestImages.decode(files.get(i), spec), spec, pixels, i * d);
            }
            float[] batch = new float[64 * d];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(pixels, (i % n) * d, batch, i * d, d);
            }
            model.embed(batch, 64);
            long t = System.nanoTime();
            for (int r = 0; r < 3; r++) {
                model.embed(batch, 64);
            }
            double forwardMs = (System.nanoTime() - t) / 1e6 / (3 * 64);
            double spread = m.sketch().scoreSpread();
            System.out.printf(Locale.ROOT, "machine: %d cores (shared, loaded); model %s, K=%d, D=%d; %d fixture images, "
                    + "%d seeds; encoder forward %.3f ms/image (batches of 64); calibration score spread (sd) %.3f%n%n",
                    Runtime.getRuntime().availableProcessors(), m.id(), k, d, n, seeds, forwardMs, spread);
            System.out.println("| m | ms/image | forward ms x (2m+1) | ratio | sd over seeds (mean over images) | predicted sd "
                    + "| sd / calibration spread | predicted Spearman |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            int packaged = m.sketch().directions();
            int[] ms = Arrays.stream(new int[] { k, 2 * k, 4 * k, packaged }).filter(x -> x <= d).distinct().sorted()
                    .toArray();
            for (int directions : ms) {
                double[][] bySeed = new double[seeds][];
                long ts = System.nanoTime();
                for (int s = 0; s < seeds; s++) {
                    SketchJepaScore sketch = new SketchJepaScore(model::embed, k, d, directions, m.sketch().step(),
                            m.sketch().seed() + s, m.eps(), model.encoderRunLimit());
                    bySeed[s] = sketch.scores(new ModelRun(pixels, n, d, new float[n * k], k, null));
                }
                double perImage = (System.nanoTime() - ts) / 1e6 / (seeds * n);
                double sdSum = 0;
                for (int i = 0; i < n; i++) {
                    double[] v = new double[seeds];
                    for (int s = 0; s < seeds; s++) {
                        v[s] = bySeed[s][i];
                    }
                    sdSum += SketchBenchmark.sd(v);
                }
                double sd = sdSum / n;
                double predicted = SketchMath.scoreSd(k, directions, d);
                double budget = forwardMs * (2 * directions + 1);
                System.out.printf(Locale.ROOT, "| %d%s | %.1f | %.1f | %.2f | %.3f | %.3f | %.3f | %.4f |%n", directions,
                        directions == packaged ? " (packaged)" : "", perImage, budget, perImage / budget, sd, predicted,
                        sd / spread, SketchMath.predictedSpearman(spread, predicted));
            }
            runSizes(model, pixels, n, packaged, forwardMs);
            compareWithExact(model, dir, ms);
        }
    }

    /**
     * Time per image at the packaged m against the number of perturbed images per encoder run (the
     * chunking of the finite-difference runs; the default is {@link SketchJepaScore#MAX_RUN_FLOATS} / D),
     * each against the default's scores. {@code -Dbench.run-sizes=16,64,0} (0: the default).
     */
    private static void runSizes(ModelRuntime model, float[] pixels, int n, int directions, double forwardMs) {
        ModelManifest m = model.manifest();
        int d = m.input().size();
        int k = m.embeddingDim();
        int rounds = Integer.getInteger("bench.run-size-rounds", 2);
        int[] sizes = Arrays.stream(System.getProperty("bench.run-sizes", "0,32,96,170").split(","))
                .mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        System.out.printf(Locale.ROOT, "%nPerturbed images per encoder run, m = %d (%d images x %d rounds, interleaved):%n%n",
                directions, n, rounds);
        System.out.println("| images per run | ms/image | ratio to forward ms x (2m+1) | max abs score difference vs default |");
        System.out.println("|---|---|---|---|");
        double[] reference = null;
        double[] totalMs = new double[sizes.length];
        double[] worst = new double[sizes.length];
        ModelRun run = new ModelRun(pixels, n, d, new float[n * k], k, null);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < sizes.length; i++) {
                int limit = sizes[i] == 0 ? model.encoderRunLimit() : Math.min(sizes[i], model.encoderRunLimit());
                SketchJepaScore sketch = new SketchJepaScore(model::embed, k, d, directions, m.sketch().step(),
                        m.sketch().seed(), m.eps(), limit);
                long t = System.nanoTime();
                double[] s = sketch.scores(run);
                totalMs[i] += (System.nanoTime() - t) / 1e6;
                if (reference == null) {
                    reference = s;
                }
                for (int j = 0; j < n; j++) {
                    worst[i] = Math.max(worst[i], Math.abs(s[j] - reference[j]));
                }
            }
        }
        double budget = forwardMs * (2 * directions + 1);
        for (int i = 0; i < sizes.length; i++) {
            double perImage = totalMs[i] / (rounds * n);
            String label = sizes[i] == 0 ? (SketchJepaScore.MAX_RUN_FLOATS / d) + " (default)" : String.valueOf(sizes[i]);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f | %.2e |%n", label, perImage, perImage / budget, worst[i]);
        }
    }

    private static void compareWithExact(ModelRuntime model, Path dir, int[] ms) throws java.io.IOException {
        Path check = dir.resolve("exact_check.json");
        String imagesDir = System.getProperty("bench.images-dir");
        if (!Files.isRegularFile(check) || imagesDir == null) {
            return;
        }
        ModelManifest m = model.manifest();
        int d = m.input().size();
        int k = m.embeddingDim();
        com.fasterxml.jackson.databind.JsonNode scores = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(check.toFile()).get("scores");
        int n = scores.size();
        float[] pixels = new float[n * d];
        double[] exact = new double[n];
        for (int i = 0; i < n; i++) {
            Path file = Path.of(imagesDir).resolve(scores.get(i).get("file").asText());
            Preprocessor.toTensor(TestImages.decode(file, m.input()), m.input(), pixels, i * d);
            exact[i] = scores.get(i).get("jepaScore").asDouble();
        }
        double spread = SketchBenchmark.sd(exact);
        System.out.printf(Locale.ROOT, "%nAgainst the paper's listing (float64 autograd + svdvals) on %d images of %s "
                + "(exact scores spread with sd %.3f):%n%n", n, imagesDir, spread);
        System.out.println("| m | Spearman | predicted | MAE | predicted sd |");
        System.out.println("|---|---|---|---|---|");
        for (int directions : ms) {
            SketchJepaScore sketch = new SketchJepaScore(model::embed, k, d, directions, m.sketch().step(),
                    m.sketch().seed(), m.eps(), model.encoderRunLimit());
            double[] s = new double[n];
            for (int from = 0; from < n; from += 4) {
                int b = Math.min(4, n - from);
                float[] batch = Arrays.copyOfRange(pixels, from * d, (from + b) * d);
                System.arraycopy(sketch.scores(new ModelRun(batch, b, d, new float[b * k], k, null)), 0, s, from, b);
            }
            double predicted = SketchMath.scoreSd(k, directions, d);
            System.out.printf(Locale.ROOT, "| %d | %.4f | %.4f | %.3f | %.3f |%n", directions,
                    SketchBenchmark.spearman(exact, s), SketchMath.predictedSpearman(spread, predicted),
                    SketchBenchmark.mae(exact, s), predicted);
        }
    }
}
