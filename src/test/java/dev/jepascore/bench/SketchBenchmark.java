package dev.jepascore.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ExactJacobianScore;
import dev.jepascore.score.ModelRun;
import dev.jepascore.score.SketchJepaScore;
import dev.jepascore.score.SketchMath;

/**
 * Sketch against exact JEPA-SCORE on the bundled Fashion-MNIST model, on the first
 * {@code bench.images} (default 1000) Fashion-MNIST test images (the Debian package
 * dataset-fashion-mnist, read directly; they are preprocessed as the manifest says). Prints the
 * markdown tables committed in docs/sketch-accuracy.md; asserts nothing. Run:
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dexec.mainClass=dev.jepascore.bench.SketchBenchmark}
 */
public final class SketchBenchmark {

    private static final Path MODEL = Path.of("models", "fmnist-lejepa");
    private static final Path TEST_IMAGES = Path.of(System.getProperty("bench.fmnist",
            "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"));
    private static final long SEED = 20251005L;

    public static void main(String[] args) throws Exception {
        int count = Integer.getInteger("bench.images", 1000);
        int stepImages = Integer.getInteger("bench.step-images", 200);
        try (ModelRuntime model = ModelRuntime.open(ModelConfig.forPackage(MODEL, 256))) {
            InputSpec spec = model.inputSpec();
            int d = spec.size();
            int k = model.manifest().embeddingDim();
            double eps = model.manifest().eps();
            float[] pixels = fashionMnist(count, spec);
            System.out.printf(Locale.ROOT, "machine: %d cores (shared, loaded); model %s, K=%d, D=%d; %d Fashion-MNIST test "
                    + "images%n", Runtime.getRuntime().availableProcessors(), model.manifest().id(), k, d, count);

            // exact scores and their cost
            ExactJacobianScore exactMethod = new ExactJacobianScore(model);
            double[] exact = new double[count];
            long t = System.nanoTime();
            for (int from = 0; from < count; from += 32) {
                int b = Math.min(32, count - from);
                float[] batch = Arrays.copyOfRange(pixels, from * d, (from + b) * d);
                System.arraycopy(exactMethod.scores(ModelRun.of(batch, model.score(batch, b))), 0, exact, from, b);
            }
            double exactMs = (System.nanoTime() - t) / 1e6 / count;
            double forwardMs = forwardMs(model, pixels, count, d);
            double spread = sd(exact);
            System.out.printf(Locale.ROOT, "exact: %.3f ms/image; encoder forward: %.4f ms/image (batches of 256); "
                    + "score spread (sd over the images) %.3f%n%n", exactMs, forwardMs, spread);

            // step size, at m = D where the sketch's only error is the finite difference
            int n = Math.min(stepImages, count);
            System.out.printf("Step size h at m = D = %d (float32 encoder, %d images):%n%n", d, n);
            System.out.println("| h | Spearman | MAE |");
            System.out.println("|---|---|---|");
            double[] exactN = Arrays.copyOf(exact, n);
            for (double h : new double[] { 1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1 }) {
                double[] s = sketch(model, k, d, d, h, SEED, eps, pixels, n);
                System.out.printf(Locale.ROOT, "| %.0e | %.5f | %.4f |%n", h, spearman(exactN, s), mae(exactN, s));
            }
            double step = Double.parseDouble(System.getProperty("bench.step", "0.1"));

            // accuracy and cost per m
            int chosen = SketchMath.chooseDirections(k, d, spread, SketchMath.SELECTION_SPEARMAN);
            System.out.printf(Locale.ROOT, "%nSketch vs exact, h = %s, seed %d, %d images (chosen m for predicted Spearman >= %.4f "
                    + "at spread %.3f: %d):%n%n", step, SEED, count, SketchMath.SELECTION_SPEARMAN, spread, chosen);
            System.out.println("| m | Spearman | predicted | MAE | predicted sd | ms/image | forward ms x (2m+1) | ratio |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            int[] ms = { k, 2 * k, 4 * k, chosen, d };
            Arrays.sort(ms);
            int previous = -1;
            for (int m : ms) {
                if (m == previous || m > d) {
                    continue;
                }
                previous = m;
                long ts = System.nanoTime();
                double[] s = sketch(model, k, d, m, step, SEED, eps, pixels, count);
                double perImage = (System.nanoTime() - ts) / 1e6 / count;
                double budget = forwardMs * (2 * m + 1);
                System.out.printf(Locale.ROOT, "| %d%s | %.4f | %.4f | %.3f | %.3f | %.2f | %.2f | %.2f |%n", m,
                        m == chosen ? " (chosen)" : "", spearman(exact, s),
                        SketchMath.predictedSpearman(spread, SketchMath.scoreSd(k, m, d)), mae(exact, s),
                        SketchMath.scoreSd(k, m, d), perImage, budget, perImage / budget);
            }

            // spread over seeds for the same image, against the predicted sd
            int seedImages = 20;
            int seeds = 10;
            System.out.printf(Locale.ROOT, "%nSame image, %d seeds (first %d images): sd over seeds vs predicted%n%n", seeds,
                    seedImages);
            System.out.println("| m | mean sd over seeds | predicted sd |");
            System.out.println("|---|---|---|");
            for (int m : new int[] { k, 2 * k, 4 * k }) {
                double[][] bySeed = new double[seeds][];
                for (int s = 0; s < seeds; s++) {
                    bySeed[s] = sketch(model, k, d, m, step, SEED + 1 + s, eps, pixels, seedImages);
                }
                double sum = 0;
                for (int i = 0; i < seedImages; i++) {
                    double[] v = new double[seeds];
                    for (int s = 0; s < seeds; s++) {
                        v[s] = bySeed[s][i];
                    }
                    sum += sd(v);
                }
                System.out.printf(Locale.ROOT, "| %d | %.3f | %.3f |%n", m, sum / seedImages, SketchMath.scoreSd(k, m, d));
            }
        }
    }

    static double[] sketch(ModelRuntime model, int k, int d, int m, double h, long seed, double eps, float[] pixels,
            int count) {
        SketchJepaScore sketch = new SketchJepaScore(model::embed, k, d, m, h, seed, eps, model.encoderRunLimit());
        double[] out = new double[count];
        int per = 16;
        for (int from = 0; from < count; from += per) {
            int b = Math.min(per, count - from);
            float[] batch = Arrays.copyOfRange(pixels, from * d, (from + b) * d);
            System.arraycopy(sketch.scores(new ModelRun(batch, b, d, new float[b * k], k, null)), 0, out, from, b);
        }
        return out;
    }

    /** The encoder's own time per image, in batches of up to 256 (warm, 5 rounds). */
    static double forwardMs(ModelRuntime model, float[] pixels, int count, int d) {
        int b = Math.min(256, count);
        float[] batch = Arrays.copyOf(pixels, b * d);
        model.embed(batch, b);
        long t = System.nanoTime();
        int rounds = 5;
        for (int r = 0; r < rounds; r++) {
            model.embed(batch, b);
        }
        return (System.nanoTime() - t) / 1e6 / (rounds * b);
    }

    static float[] fashionMnist(int count, InputSpec spec) throws IOException {
        if (!Files.isRegularFile(TEST_IMAGES)) {
            throw new IOException(TEST_IMAGES + " not found: apt-get install dataset-fashion-mnist, or set -Dbench.fmnist");
        }
        try (InputStream raw = Files.newInputStream(TEST_IMAGES);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            in.readInt();
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != spec.height() || cols != spec.width() || count > n) {
                throw new IOException("unexpected file " + TEST_IMAGES + ": " + n + " images of " + rows + "x" + cols);
            }
            float[] out = new float[count * rows * cols];
            double mean = spec.mean().get(0);
            double std = spec.std().get(0);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((in.readUnsignedByte() * spec.scale() - mean) / std);
            }
            return out;
        }
    }

    static double spearman(double[] a, double[] b) {
        return new SpearmansCorrelation().correlation(a, b);
    }

    static double mae(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    static double sd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(0);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
    }
}
