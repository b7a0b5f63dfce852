package dev.jepascore.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.EmbeddingSignals;
import dev.jepascore.score.ExactJacobianScore;
import dev.jepascore.result.Label;
import dev.jepascore.score.ModelRun;
import dev.jepascore.score.ScoringMethod;
import dev.jepascore.score.SignalTable;
import dev.jepascore.score.SketchMath;
import dev.jepascore.score.Verdict;

/**
 * The verdict of the bundled Fashion-MNIST model with the sketch JEPA-SCORE in place of the exact one,
 * on the out-of-distribution sets of models/fmnist-lejepa/EVALUATION.md: AUROC of the two-sided
 * JEPA-SCORE signal and of the combined outlier score (OOD set positive, Fashion-MNIST test images
 * negative), exact beside m = K, 2K, the packaged m and 4K, plus the flagged fractions at the packaged
 * m. The sketch score is placed against the package's calibration tables as the served
 * {@code mode=sketch} does (the JEPA table of {@code signals.calibration} was measured with the exact
 * score); at the packaged m a second column re-measures that table from the sketch scores of the
 * same 2000 held-out calibration images, to show what a sketch-calibrated package would give.
 * Prints markdown (docs/sketch-accuracy.md); asserts nothing.
 * <p>
 * The OOD sets come from Python's generators; write them once with
 * {@code /usr/bin/python3 models/export_oodsets.py} (into target/oodsets), then run
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dbench.main=dev.jepascore.bench.SketchVerdictBenchmark}
 * ({@code -Dbench.test-images=1000 -Dbench.ood-images=500 -Dbench.oodsets=target/oodsets}).
 */
public final class SketchVerdictBenchmark {

    private static final Path MODEL = Path.of("models", "fmnist-lejepa");
    private static final Path FMNIST = Path.of(System.getProperty("bench.fmnist-dir", "/usr/share/datasets/fashion-mnist"));
    /** The signal-calibration images of the package: training images 58000-59999 (model.json signals.calibration.set). */
    private static final int CALIBRATION_FROM = 58000;
    private static final int CALIBRATION_COUNT = 2000;
    private static final int SIDE = 28;

    /** One image set with every signal but JEPA-SCORE, which the method under test supplies. */
    private record Scored(String name, int count, float[] pixels, Map<String, double[]> others, double[] exact) {
    }

    public static void main(String[] args) throws Exception {
        int testCount = Integer.getInteger("bench.test-images", 1000);
        int oodCount = Integer.getInteger("bench.ood-images", 500);
        Path oodDir = Path.of(System.getProperty("bench.oodsets", "target/oodsets"));
        boolean recalibrate = Boolean.parseBoolean(System.getProperty("bench.recalibrate", "true"));
        try (ModelRuntime model = ModelRuntime.open(ModelConfig.forPackage(MODEL, 256))) {
            ModelManifest manifest = model.manifest();
            InputSpec spec = model.inputSpec();
            int d = spec.size();
            int k = manifest.embeddingDim();
            EmbeddingSignals signals = EmbeddingSignals.load(manifest, model.packageDir(), spec);
            ModelManifest.Signals section = manifest.signals();
            List<String> combined = section.combination().signals();
            double floor = 0.5 / section.calibration().count();
            ModelManifest.Sketch sk = manifest.sketch();

            Scored test = score(model, signals, "fmnist-test", u8ToTensor(readIdx(FMNIST.resolve(
                    "t10k-images-idx3-ubyte.gz"), 0, testCount), spec));
            List<Scored> ood = new ArrayList<>();
            for (String line : Files.readAllLines(oodDir.resolve("index.txt"))) {
                if (line.isBlank()) {
                    continue;
                }
                String name = line.trim().split("\\s+")[0];
                byte[] all = Files.readAllBytes(oodDir.resolve(name + ".u8"));
                int n = Math.min(oodCount, all.length / (SIDE * SIDE));
                ood.add(score(model, signals, name, u8ToTensor(Arrays.copyOf(all, n * SIDE * SIDE), spec)));
            }
            int total = test.count() + ood.stream().mapToInt(Scored::count).sum();
            double forwardMs = SketchBenchmark.forwardMs(model, test.pixels(), test.count(), d);
            System.out.printf(Locale.ROOT, "machine: %d cores (shared with other builds, loaded); model %s, K=%d, D=%d; "
                    + "%d Fashion-MNIST test images (negatives), first %d of each OOD set of %s; %d images in all; "
                    + "sketch h=%s seed %d; encoder forward %.4f ms/image (batches of 256)%n%n",
                    Runtime.getRuntime().availableProcessors(), manifest.id(), k, d, test.count(), oodCount, oodDir,
                    total, sk.step(), sk.seed(), forwardMs);

            // the outlier score recomputed from the parts with the package's JEPA table must be the service's own
            SignalTable served = jepaTable(section, floor, null);
            checkRecomputation(signals, combined, floor, served, test);

            int packaged = sk.directions();
            int[] ms = Arrays.stream(new int[] { k, 2 * k, packaged, 4 * k }).filter(x -> x <= d).distinct().sorted()
                    .toArray();
            Map<Integer, Map<String, double[]>> sketchScores = new LinkedHashMap<>();
            double testSpread = SketchBenchmark.sd(test.exact());
            System.out.printf(Locale.ROOT, "Sketch vs exact (test images: exact scores spread with sd %.3f):%n%n", testSpread);
            System.out.println("| m | Spearman, test images | predicted | MAE, test images | Spearman, all images | "
                    + "MAE, all images | ms/image | forward ms x (2m+1) | ratio |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (int m : ms) {
                Map<String, double[]> bySet = new LinkedHashMap<>();
                long t = System.nanoTime();
                for (Scored s : concat(test, ood)) {
                    bySet.put(s.name(), SketchBenchmark.sketch(model, k, d, m, sk.step(), sk.seed(), manifest.eps(),
                            s.pixels(), s.count()));
                }
                double perImage = (System.nanoTime() - t) / 1e6 / total;
                sketchScores.put(m, bySet);
                double[] exactAll = concatScores(concat(test, ood), null);
                double[] sketchAll = concatScores(concat(test, ood), bySet);
                double budget = forwardMs * (2 * m + 1);
                double[] testSketch = bySet.get(test.name());
                System.out.printf(Locale.ROOT, "| %d%s | %.4f | %.4f | %.3f | %.4f | %.3f | %.2f | %.2f | %.2f |%n", m,
                        m == packaged ? " (packaged)" : "", SketchBenchmark.spearman(test.exact(), testSketch),
                        SketchMath.predictedSpearman(testSpread, SketchMath.scoreSd(k, m, d)),
                        SketchBenchmark.mae(test.exact(), testSketch), SketchBenchmark.spearman(exactAll, sketchAll),
                        SketchBenchmark.mae(exactAll, sketchAll), perImage, budget, perImage / budget);
            }

            // the JEPA table re-measured from the sketch at the packaged m on the package's own calibration images
            SignalTable recalibrated = null;
            if (recalibrate) {
                float[] cal = u8ToTensor(readIdx(FMNIST.resolve("train-images-idx3-ubyte.gz"), CALIBRATION_FROM,
                        CALIBRATION_COUNT), spec);
                double[] calSketch = SketchBenchmark.sketch(model, k, d, packaged, sk.step(), sk.seed(), manifest.eps(),
                        cal, CALIBRATION_COUNT);
                recalibrated = jepaTable(section, floor, calSketch);
                System.out.printf(Locale.ROOT, "%nJEPA table at m = %d re-measured on the %d calibration images "
                        + "(training images %d-%d): median %.3f (served, exact: %.3f), 99th percentile %.3f (%.3f)%n",
                        packaged, CALIBRATION_COUNT, CALIBRATION_FROM, CALIBRATION_FROM + CALIBRATION_COUNT - 1,
                        valueAt(recalibrated, 50), valueAt(served, 50), valueAt(recalibrated, 99), valueAt(served, 99));
            }

            System.out.println();
            printAurocTable("JEPA-SCORE 2-sided", test, ood, ms, packaged, sketchScores, served, recalibrated,
                    (s, jepa, table) -> twoSided(table, jepa));
            System.out.println();
            printAurocTable("combined outlier score (outlierScore)", test, ood, ms, packaged, sketchScores, served,
                    recalibrated, (s, jepa, table) -> fisher(s, jepa, table, signals, combined, floor));
            System.out.println();
            printFlagged(test, ood, packaged, sketchScores.get(packaged), signals);
        }
    }

    /** A per-image statistic of one set (larger = more outlying), given its JEPA-SCORE values and JEPA table. */
    private interface Statistic {
        double[] of(Scored set, double[] jepa, SignalTable jepaTable);
    }

    private static void printAurocTable(String title, Scored test, List<Scored> ood, int[] ms, int packaged,
            Map<Integer, Map<String, double[]>> sketch, SignalTable served, SignalTable recalibrated, Statistic stat) {
        System.out.printf("AUROC of the %s (OOD positive, test negative), exact vs sketch; the sketch is read against the "
                + "package's exact-calibrated table as served%s:%n%n", title,
                recalibrated == null ? "" : ", and (last column) against a table re-measured with the sketch");
        StringBuilder head = new StringBuilder("| set | n | exact |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int m : ms) {
            head.append(" m=").append(m).append(m == packaged ? " (packaged)" : "").append(" |");
            rule.append("---|");
        }
        if (recalibrated != null) {
            head.append(" m=").append(packaged).append(", sketch-calibrated |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        double[] baseExact = stat.of(test, test.exact(), served);
        double[] means = new double[ms.length + 2];
        for (Scored set : ood) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", set.name(), set.count()));
            double a = auroc(baseExact, stat.of(set, set.exact(), served));
            means[0] += a / ood.size();
            row.append(String.format(Locale.ROOT, " %.3f |", a));
            for (int j = 0; j < ms.length; j++) {
                Map<String, double[]> s = sketch.get(ms[j]);
                double b = auroc(stat.of(test, s.get(test.name()), served), stat.of(set, s.get(set.name()), served));
                means[j + 1] += b / ood.size();
                row.append(String.format(Locale.ROOT, " %.3f |", b));
            }
            if (recalibrated != null) {
                Map<String, double[]> s = sketch.get(packaged);
                double c = auroc(stat.of(test, s.get(test.name()), recalibrated), stat.of(set, s.get(set.name()),
                        recalibrated));
                means[ms.length + 1] += c / ood.size();
                row.append(String.format(Locale.ROOT, " %.3f |", c));
            }
            System.out.println(row);
        }
        StringBuilder mean = new StringBuilder("| **mean** | |");
        for (int j = 0; j < ms.length + (recalibrated != null ? 2 : 1); j++) {
            mean.append(String.format(Locale.ROOT, " **%.3f** |", means[j]));
        }
        System.out.println(mean);
    }

    private static void printFlagged(Scored test, List<Scored> ood, int m, Map<String, double[]> sketch,
            EmbeddingSignals signals) {
        System.out.printf("Flagged (`unusual` or `outlier`) at the shipped thresholds, exact vs sketch m = %d as served; "
                + "images whose label differs:%n%n", m);
        System.out.println("| set | flagged exact | flagged sketch | outlier exact | outlier sketch | label differs |");
        System.out.println("|---|---|---|---|---|---|");
        for (Scored set : concat(test, ood)) {
            Label[] exact = labels(set, set.exact(), signals);
            Label[] sk = labels(set, sketch.get(set.name()), signals);
            int fe = 0;
            int fs = 0;
            int oe = 0;
            int os = 0;
            int diff = 0;
            for (int i = 0; i < set.count(); i++) {
                fe += exact[i] != Label.TYPICAL ? 1 : 0;
                fs += sk[i] != Label.TYPICAL ? 1 : 0;
                oe += exact[i] == Label.OUTLIER ? 1 : 0;
                os += sk[i] == Label.OUTLIER ? 1 : 0;
                diff += exact[i] != sk[i] ? 1 : 0;
            }
            double n = set.count() / 100.0;
            System.out.printf(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% |%n", set.name(), fe / n,
                    fs / n, oe / n, os / n, diff / n);
        }
    }

    private static Label[] labels(Scored set, double[] jepa, EmbeddingSignals signals) {
        Label[] out = new Label[set.count()];
        for (int i = 0; i < set.count(); i++) {
            out[i] = signals.assess(raw(set, jepa, i)).label();
        }
        return out;
    }

    private static Map<String, Double> raw(Scored set, double[] jepa, int i) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("jepa", jepa[i]);
        set.others().forEach((name, v) -> values.put(name, v[i]));
        return values;
    }

    /** Minus the two-sided tail probability of each JEPA-SCORE in the table (larger = more outlying). */
    private static double[] twoSided(SignalTable table, double[] jepa) {
        double[] out = new double[jepa.length];
        for (int i = 0; i < jepa.length; i++) {
            out[i] = -table.tail(jepa[i]);
        }
        return out;
    }

    /** Fisher's -2 sum ln p over the combined signals, with the JEPA tail read from {@code jepaTable}. */
    private static double[] fisher(Scored set, double[] jepa, SignalTable jepaTable, EmbeddingSignals signals,
            List<String> combined, double floor) {
        double[] out = new double[set.count()];
        for (int i = 0; i < set.count(); i++) {
            double[] tails = new double[combined.size()];
            for (int c = 0; c < tails.length; c++) {
                String name = combined.get(c);
                tails[c] = name.equals("jepa") ? jepaTable.tail(jepa[i])
                        : tail(signals, name, set.others().get(name)[i], floor);
            }
            out[i] = Verdict.fisher(tails);
        }
        return out;
    }

    private static double tail(EmbeddingSignals signals, String name, double value, double floor) {
        double f = signals.percentile(name, value) / 100;
        double p = EmbeddingSignals.sides(name) == 1 ? 1 - f : 2 * Math.min(f, 1 - f);
        return Math.max(p, floor);
    }

    /** The recomputed Fisher score with the served JEPA table must be the service's own, image by image. */
    private static void checkRecomputation(EmbeddingSignals signals, List<String> combined, double floor,
            SignalTable served, Scored test) {
        double[] recomputed = fisher(test, test.exact(), served, signals, combined, floor);
        double worst = 0;
        for (int i = 0; i < test.count(); i++) {
            worst = Math.max(worst, Math.abs(recomputed[i] - signals.assess(raw(test, test.exact(), i)).outlierScore()));
        }
        if (worst > 1e-9) {
            throw new IllegalStateException("recomputed outlier score differs from the service's by " + worst);
        }
    }

    /**
     * The JEPA table: the package's (values at signals.calibration.percentiles) when {@code calibrationScores}
     * is null, else the same percentiles of those scores (numpy's linear rule, as models/signals.py table()).
     */
    private static SignalTable jepaTable(ModelManifest.Signals section, double floor, double[] calibrationScores) {
        double[] grid = section.calibration().percentiles().stream().mapToDouble(Double::doubleValue).toArray();
        double[] values;
        if (calibrationScores == null) {
            values = section.calibration().values().get("jepa").stream().mapToDouble(Double::doubleValue).toArray();
        } else {
            double[] sorted = calibrationScores.clone();
            Arrays.sort(sorted);
            values = new double[grid.length];
            for (int i = 0; i < grid.length; i++) {
                double pos = grid[i] / 100 * (sorted.length - 1);
                int lo = (int) Math.floor(pos);
                int hi = Math.min(lo + 1, sorted.length - 1);
                values[i] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
            }
        }
        return new SignalTable(grid, values, 2, floor);
    }

    private static double valueAt(SignalTable table, double percentile) {
        double[] p = table.percentiles();
        for (int i = 0; i < p.length; i++) {
            if (p[i] == percentile) {
                return table.values()[i];
            }
        }
        return Double.NaN;
    }

    private static Scored score(ModelRuntime model, EmbeddingSignals signals, String name, float[] pixels) {
        int d = model.inputSpec().size();
        int k = model.manifest().embeddingDim();
        int n = pixels.length / d;
        ExactJacobianScore exact = new ExactJacobianScore(model);
        double[] exactScores = new double[n];
        Map<String, double[]> others = new LinkedHashMap<>();
        for (ScoringMethod method : signals.methods()) {
            others.put(method.name(), new double[n]);
        }
        for (int from = 0; from < n; from += 32) {
            int b = Math.min(32, n - from);
            float[] batch = Arrays.copyOfRange(pixels, from * d, (from + b) * d);
            ModelRun run = ModelRun.of(batch, model.score(batch, b));
            System.arraycopy(exact.scores(run), 0, exactScores, from, b);
            ModelRun embedded = new ModelRun(batch, b, d, model.embed(batch, b), k, null);
            for (ScoringMethod method : signals.methods()) {
                System.arraycopy(method.scores(embedded), 0, others.get(method.name()), from, b);
            }
        }
        return new Scored(name, n, pixels, others, exactScores);
    }

    /** Mann-Whitney AUROC: probability that a positive outscores a negative, ties counted half. */
    static double auroc(double[] negatives, double[] positives) {
        double[] neg = negatives.clone();
        Arrays.sort(neg);
        double sum = 0;
        for (double p : positives) {
            int below = lowerBound(neg, p);
            int notAbove = upperBound(neg, p);
            sum += below + 0.5 * (notAbove - below);
        }
        return sum / ((double) neg.length * positives.length);
    }

    private static int lowerBound(double[] a, double x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, double x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static List<Scored> concat(Scored first, List<Scored> rest) {
        List<Scored> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static double[] concatScores(List<Scored> sets, Map<String, double[]> sketch) {
        return sets.stream().flatMapToDouble(s -> Arrays.stream(sketch == null ? s.exact() : sketch.get(s.name())))
                .toArray();
    }

    private static float[] u8ToTensor(byte[] u8, InputSpec spec) {
        float[] out = new float[u8.length];
        double mean = spec.mean().get(0);
        double std = spec.std().get(0);
        for (int i = 0; i < u8.length; i++) {
            out[i] = (float) (((u8[i] & 0xff) * spec.scale() - mean) / std);
        }
        return out;
    }

    /** Images {@code from .. from+count-1} of a gzipped IDX image file, as 28x28 uint8. */
    private static byte[] readIdx(Path file, int from, int count) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " not found: apt-get install dataset-fashion-mnist, or set -Dbench.fmnist-dir");
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            in.readInt();
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != SIDE || cols != SIDE || from + count > n) {
                throw new IOException("unexpected file " + file + ": " + n + " images of " + rows + "x" + cols);
            }
            in.skipNBytes((long) from * SIDE * SIDE);
            byte[] out = new byte[count * SIDE * SIDE];
            in.readFully(out);
            return out;
        }
    }
}
