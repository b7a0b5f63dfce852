package dev.jepascore.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.ModelImage;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ScoreMetrics;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.admission.Admission;
import dev.jepascore.score.ModelScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Photo-sized uploads, bytes to result, side by side with Pillow in the same run: for each file of
 * the photo set ({@code models/photo_reference.py make-set}), the median over repeats of
 * {@link ModelScorer#score} (decode at the model's scale, preprocess, score) and, for the record,
 * of the pre-issue-12 path (ImageIO full decode, float planes, float resize; same scoring); Pillow's
 * full decode and its draft mode to the 28x28 luma, timed by {@code photo_reference.py bench}; and
 * the fidelity of the Java JEPA-SCORE to the float64 listing on Pillow's full-decode tensor.
 * Prints figures; asserts nothing. Run (see README):
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dbench.main=dev.jepascore.bench.PhotoBenchmark}
 */
public final class PhotoBenchmark {

    private static final String[] KINDS = { "jpeg-12mp", "png-12mp", "webp-16mp", "jpeg-2mp", "jpeg-vga" };
    private static final String[] LABELS = { "12 MP JPEG", "12 MP PNG", "16 MP WebP", "2 MP JPEG", "VGA JPEG" };

    public static void main(String[] args) throws Exception {
        Path set = Path.of(System.getProperty("bench.set", "target/photo-bench"));
        int repeats = Integer.getInteger("bench.repeats", 5);
        boolean before = !Boolean.getBoolean("bench.skipBefore");
        String python = System.getProperty("bench.python", "/usr/bin/python3");
        List<Path> files;
        try (Stream<Path> s = Files.list(set)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no photos in " + set + ": run /usr/bin/python3 models/photo_reference.py "
                    + "make-set --out " + set);
        }
        ImageConfig limits = limits();
        try (ModelRuntime model = ModelRuntime.open(ScorerBenchmark.modelConfig(1))) {
            InputSpec spec = model.inputSpec();
            ImageDecoder decoder = new ImageDecoder(limits);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // admission as deployed by default: half the heap, one slot per core; one image at a time here
            Admission admission = new Admission(Runtime.getRuntime().maxMemory() / 2,
                    Runtime.getRuntime().availableProcessors(), 256, java.time.Duration.ofSeconds(1), spec, registry);
            ModelScorer scoring = new ModelScorer(model, decoder, limits, new ScoreMetrics(registry), admission);
            ModelScorer legacy = new ModelScorer(model, new FullResolutionDecoder(limits), limits,
                    new ScoreMetrics(registry), admission);
            System.out.printf("machine: %d cores, %s %s; %d photos in %s, median of %d runs per file%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), files.size(), set, repeats);
            System.out.println("JPEG decoding: " + decoder.decoding("JPEG"));
            System.out.println("WebP decoding: " + decoder.decoding("WebP"));
            System.out.println("Pillow (same run, one kind after the Java run of that kind): " + python
                    + " models/photo_reference.py bench/reference");

            Map<String, double[]> nowMs = new LinkedHashMap<>();
            Map<String, Double> decodeMs = new LinkedHashMap<>();
            Map<String, double[]> beforeMs = new LinkedHashMap<>();
            Map<String, Double> score = new LinkedHashMap<>();
            Map<String, byte[]> pixels = new LinkedHashMap<>();
            Map<String, String> path = new LinkedHashMap<>();
            Map<String, JsonNode> ref = new LinkedHashMap<>();
            // one kind after the other, Java then Pillow, so both see about the same machine load
            for (String kind : KINDS) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (!name.startsWith(kind + "-")) {
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(f);
                    ModelImage image = decoder.decode(bytes, spec);
                    pixels.put(name, image.planes()[0]);
                    path.put(name, image.path());
                    score.put(name, scoring.score(bytes, ScoreMode.EXACT).jepaScore()); // also warms up
                    double[] decodeOnly = new double[repeats];
                    nowMs.put(name, new double[] { medianMs(scoring, bytes, repeats, decodeOnly) });
                    decodeMs.put(name, median(decodeOnly));
                    if (before) {
                        beforeMs.put(name, new double[] { medianMs(legacy, bytes, 1, new double[1]) });
                    }
                }
                for (JsonNode r : python(python, "bench", "--set", set.toString(), "--repeats",
                        String.valueOf(repeats), "--only", kind + "-").get("files")) {
                    ref.put(r.get("file").asText(), r);
                }
            }
            for (JsonNode r : python(python, "reference", "--set", set.toString()).get("files")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) ref.get(r.get("file").asText())).setAll(
                        (com.fasterxml.jackson.databind.node.ObjectNode) r);
            }

            System.out.println();
            System.out.println("| upload | files | before (ImageIO full), bytes to result | now, bytes to result "
                    + "| now, decode only | Pillow full | Pillow draft | now / Pillow best (decode only) | decode path |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            double totNow = 0;
            double totDecode = 0;
            double totBefore = 0;
            double totBest = 0;
            double totFull = 0;
            List<Double> scoreDiffs = new ArrayList<>();
            List<Double> draftDiffs = new ArrayList<>();
            StringBuilder fidelity = new StringBuilder();
            for (int k = 0; k < KINDS.length; k++) {
                String prefix = KINDS[k] + "-";
                List<String> names = nowMs.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
                if (names.isEmpty()) {
                    continue;
                }
                double[] now = names.stream().mapToDouble(n -> nowMs.get(n)[0]).toArray();
                double[] bef = before ? names.stream().mapToDouble(n -> beforeMs.get(n)[0]).toArray() : new double[0];
                double[] full = names.stream().mapToDouble(n -> ref.get(n).get("fullMs").asDouble()).toArray();
                double[] draft = names.stream().mapToDouble(n -> ref.get(n).get("draftMs").asDouble()).toArray();
                double best = Math.min(median(full), median(draft));
                totNow += Arrays.stream(now).sum();
                totBefore += Arrays.stream(bef).sum();
                totFull += Arrays.stream(full).sum();
                for (int i = 0; i < full.length; i++) {
                    totBest += Math.min(full[i], draft[i]);
                }
                int maxPixel = 0;
                List<Double> diffs = new ArrayList<>();
                for (String n : names) {
                    JsonNode r = ref.get(n);
                    byte[] mine = pixels.get(n);
                    for (int i = 0; i < mine.length; i++) {
                        maxPixel = Math.max(maxPixel, Math.abs((mine[i] & 0xff) - r.get("reference").get(i).asInt()));
                    }
                    double d = Math.abs(score.get(n) - r.get("referenceScore").asDouble());
                    diffs.add(d);
                    scoreDiffs.add(d);
                    draftDiffs.add(Math.abs(r.get("draftScore").asDouble() - r.get("referenceScore").asDouble()));
                }
                double dec = median(names.stream().mapToDouble(decodeMs::get).toArray());
                totDecode += names.stream().mapToDouble(decodeMs::get).sum();
                System.out.printf("| %s | %d | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2fx (%.2fx) | %s |%n",
                        LABELS[k], names.size(), before ? String.format("%.0f ms", median(bef)) : "-", median(now), dec,
                        median(full), median(draft), median(now) / best, dec / best, path.get(names.get(0)));
                fidelity.append(String.format("| %s | %d | %.3f | %.3f |%n", LABELS[k], maxPixel, percentile(diffs, 95),
                        diffs.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
            }
            System.out.printf("%nTotal over the %d photos (sum of per-file medians): now %.0f ms bytes to result "
                    + "(decode only %.0f ms), Pillow best %.0f ms (full %.0f ms): %.2fx Pillow's best path (decode only "
                    + "%.2fx)%s%n", nowMs.size(), totNow, totDecode, totBest, totFull, totNow / totBest, totDecode / totBest, before ? String.format("; before %.0f ms (%.1fx faster now)", totBefore,
                            totBefore / totNow) : "");
            System.out.println();
            System.out.println("Fidelity against the float64 listing on Pillow's full-decode 28x28 tensor:");
            System.out.println("| upload | max pixel difference (0-255) | JEPA-SCORE |diff| p95 | max |");
            System.out.println("|---|---|---|---|");
            System.out.print(fidelity);
            System.out.printf("| all | | %.3f | %.3f |%n", percentile(scoreDiffs, 95),
                    scoreDiffs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            System.out.printf("Pillow draft vs Pillow full, same listing: p95 %.3f, max %.3f%n", percentile(draftDiffs, 95),
                    draftDiffs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
    }

    private static JsonNode python(String python, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, "models/photo_reference.py"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")");
        }
        return new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    /** Median bytes-to-result time; {@code decode} receives each run's decode-and-preprocess share. */
    private static double medianMs(ModelScorer scoring, byte[] bytes, int repeats, double[] decode) {
        double[] t = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            ScoreResult result = scoring.score(bytes, ScoreMode.EXACT);
            t[r] = (System.nanoTime() - start) / 1e6;
            decode[r] = result.timingsMs().decode();
            if (Double.isNaN(result.jepaScore())) {
                throw new IllegalStateException("no score");
            }
        }
        return median(t);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double percentile(List<Double> v, double p) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        double rank = p / 100 * (s.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (s[hi] - s[lo]) * (rank - lo);
    }

    private static ImageConfig limits() {
        return new ImageConfig() {
            public long maxBytes() {
                return 64L << 20; // 12 MP photo PNGs are 18-25 MB
            }

            public long maxPixels() {
                return 40_000_000;
            }

            public int maxBatch() {
                return 64;
            }
        };
    }

    /**
     * The decoding before issue 12, kept here to measure against: ImageIO decodes the whole image,
     * every pixel becomes a float luma value, a float triangle-kernel resize follows.
     */
    static final class FullResolutionDecoder extends ImageDecoder {

        FullResolutionDecoder(ImageConfig config) {
            super(config);
        }

        @Override
        public ModelImage decode(byte[] bytes, InputSpec spec) {
            BufferedImage image = decodeWithImageIo(bytes);
            int w = image.getWidth();
            int h = image.getHeight();
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            float[] plane = new float[w * h];
            for (int i = 0; i < argb.length; i++) {
                int p = argb[i];
                int a = p >>> 24;
                int r = ((p >> 16) & 0xff) * a / 255;
                int g = ((p >> 8) & 0xff) * a / 255;
                int b = (p & 0xff) * a / 255;
                plane[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
            }
            float[] resized = floatResize(plane, w, h, spec.width(), spec.height());
            byte[] out = new byte[resized.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) Math.max(0, Math.min(255, Math.round(resized[i])));
            }
            return new ModelImage(new byte[][] { out }, spec.width(), spec.height(), "imageio full (before)");
        }

        private static float[] floatResize(float[] src, int srcW, int srcH, int dstW, int dstH) {
            float[] rows = new float[dstW * srcH];
            for (int y = 0; y < srcH; y++) {
                pass(src, y * srcW, 1, srcW, rows, y * dstW, 1, dstW);
            }
            float[] dst = new float[dstW * dstH];
            for (int x = 0; x < dstW; x++) {
                pass(rows, x, dstW, srcH, dst, x, dstW, dstH);
            }
            return dst;
        }

        private static void pass(float[] in, int inOff, int inStride, int n, float[] out, int outOff, int outStride,
                int m) {
            double scale = (double) n / m;
            double support = Math.max(scale, 1.0);
            for (int i = 0; i < m; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(n, (int) Math.ceil(center + support));
                double sum = 0;
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double t = Math.abs((j + 0.5 - center) / support);
                    double w = t < 1 ? 1 - t : 0;
                    sum += in[inOff + j * inStride] * w;
                    total += w;
                }
                out[outOff + i * outStride] = (float) (total > 0 ? sum / total : 0);
            }
        }
    }

    private PhotoBenchmark() {
    }
}
