package dev.jepascore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.Preprocessor;
import dev.jepascore.model.ModelConfig;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ScoreMetrics;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.admission.Admission;
import dev.jepascore.score.ModelScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Speed of the exact scorer on the bundled model, side by side with the paper's PyTorch listing
 * on the same fixture images in the same run, and against this machine's matrix-multiply peak.
 * Prints figures; asserts nothing. Run: {@code ./mvnw -q -Pbench package -DskipTests exec:java}
 * (packaging first adds the latency of single HTTP requests to the packaged application).
 */
public final class ScorerBenchmark {

    private static final Path MODEL = Path.of("models", "fmnist-lejepa");

    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("bench.repeats", 20);
        int batch = Integer.getInteger("bench.batch", 32);
        String python = System.getProperty("bench.python", "/usr/bin/python3");

        JsonNode manifest = new ObjectMapper().readTree(MODEL.resolve("model.json").toFile());
        double flopsPerScore = manifest.path("provenance").path("flopsPerScore").asDouble(Double.NaN);
        List<byte[]> images = fixtureImages();
        System.out.printf("machine: %d cores, %s; model %s %s, %d fixture images, batch %d, %d repeats%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version"),
                manifest.get("id").asText(), manifest.get("version").asText(), images.size(), batch, repeats);

        try (ModelRuntime model = ModelRuntime.open(modelConfig(batch))) {
            double peak = matmulPeak();
            System.out.printf("matrix-multiply peak (ONNX Runtime MatMul, float32, best of 3 square sizes and the "
                    + "scorer's 2 GEMM shapes, 3 rounds each): %.1f GFLOP/s%n", peak / 1e9);

            ImageConfig limits = imageConfig();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // admission as deployed by default: half the heap, one slot per core, at most 1 s of waiting
            Admission admission = new Admission(Runtime.getRuntime().maxMemory() / 2,
                    Runtime.getRuntime().availableProcessors(), 256, java.time.Duration.ofSeconds(1),
                    model.inputSpec(), registry);
            ModelScorer scoring = new ModelScorer(model, new ImageDecoder(limits), limits,
                    new ScoreMetrics(registry), admission);

            // single request latency: one image per call, bytes to result
            for (byte[] image : images) {
                scoring.score(image, ScoreMode.EXACT);
            }
            List<Double> latencies = new ArrayList<>();
            double[] parts = new double[3];
            for (int r = 0; r < repeats; r++) {
                for (byte[] image : images) {
                    long t = System.nanoTime();
                    ScoreResult result = scoring.score(image, ScoreMode.EXACT);
                    latencies.add((System.nanoTime() - t) / 1e6);
                    parts[0] += result.timingsMs().decode();
                    parts[1] += result.timingsMs().inference();
                    parts[2] += result.timingsMs().jacobian();
                }
            }
            double javaP50 = percentile(latencies, 50);
            double javaP99 = percentile(latencies, 99);

            // batch throughput: the fixtures repeated to fill batches, bytes to results
            List<byte[]> many = new ArrayList<>();
            while (many.size() < batch * 4) {
                many.addAll(images);
            }
            many = many.subList(0, batch * 4);
            scoring.scoreAll(many.subList(0, batch), ScoreMode.EXACT);
            long t0 = System.nanoTime();
            int scored = 0;
            for (int r = 0; r < Math.max(1, repeats / 4); r++) {
                for (int from = 0; from < many.size(); from += batch) {
                    scored += scoring.scoreAll(many.subList(from, from + batch), ScoreMode.EXACT).size();
                }
            }
            double javaThroughput = scored / ((System.nanoTime() - t0) / 1e9);

            // the Jacobian graph alone, on a preprocessed batch: its arithmetic rate against the peak
            float[] pixels = preprocess(model, many.subList(0, batch));
            model.score(pixels, batch);
            int graphRuns = Math.max(3, repeats);
            double graphSecondsPerImage = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long tg = System.nanoTime();
                for (int r = 0; r < graphRuns; r++) {
                    model.score(pixels, batch);
                }
                graphSecondsPerImage = Math.min(graphSecondsPerImage, (System.nanoTime() - tg) / 1e9 / graphRuns / batch);
            }
            double graphRate = flopsPerScore / graphSecondsPerImage;

            double jacobianOnly = graphSecondsPerImage(pixels, batch, graphRuns);
            double jacobianRate = flopsPerScore / jacobianOnly;

            System.out.println();
            System.out.println("java (ONNX Runtime scorer graph + double-precision Gram/eigen), bytes to result:");
            System.out.printf("  single image latency (bytes to result, in process) p50 %.2f ms  p99 %.2f ms  (mean: decode %.2f, scorer graph + Gram "
                    + "%.2f, eigenvalues %.2f ms)%n", javaP50, javaP99, parts[0] / latencies.size(),
                    parts[1] / latencies.size(), parts[2] / latencies.size());
            System.out.printf("  batch throughput      %.1f images/s (batches of %d)%n", javaThroughput, batch);
            System.out.printf("  Jacobian graph alone  %.3f ms/image (scorer.onnx, best of 3 rounds), %.2e FLOP/image -> %.1f GFLOP/s = %.0f%% of the "
                    + "matmul peak%n", jacobianOnly * 1e3, flopsPerScore, jacobianRate / 1e9, 100 * jacobianRate / peak);
            System.out.printf("  graph + float64 Gram  %.3f ms/image (ModelRuntime.score, best of 3 rounds), %.2e FLOP/image -> %.1f GFLOP/s = %.0f%% of the "
                    + "matmul peak%n", graphSecondsPerImage * 1e3, flopsPerScore, graphRate / 1e9, 100 * graphRate / peak);
            System.out.printf("  end to end (throughput above) %.1f GFLOP/s of Jacobian work = %.0f%% of the matmul peak%n",
                    flopsPerScore * javaThroughput / 1e9, 100 * flopsPerScore * javaThroughput / peak);

            double[] http = httpLatency(images, repeats);
            if (http != null) {
                System.out.printf("  single request over HTTP (POST /v1/score, packaged app on loopback) p50 %.2f ms  "
                        + "p99 %.2f ms%n", http[0], http[1]);
            }

            JsonNode ref = pytorchReference(python, Math.max(2, repeats / 4));
            System.out.println();
            if (ref == null) {
                System.out.println("pytorch listing: not run (see the message above)");
                return;
            }
            System.out.println("pytorch listing (paper: autograd.functional.jacobian + svdvals), same images, this run:");
            report("float64", ref.path("float64"), javaP50, javaThroughput);
            report("float32", ref.path("float32"), javaP50, javaThroughput);
        }
    }

    private static void report(String name, JsonNode r, double javaP50, double javaThroughput) {
        if (r.isMissingNode()) {
            return;
        }
        double p50 = r.path("p50Ms").asDouble();
        double p99 = r.path("p99Ms").asDouble();
        double throughput = r.path("imagesPerSecond").asDouble();
        System.out.printf("  %s  p50 %.2f ms  p99 %.2f ms  %.1f images/s   -> java/pytorch: throughput x%.1f, "
                + "p50 latency x%.1f faster%n", name, p50, p99, throughput, javaThroughput / throughput, p50 / javaP50);
    }

    private static JsonNode pytorchReference(String python, int repeats) {
        Path script = Path.of("models", "bench_reference.py");
        if (!Files.isExecutable(Path.of(python)) || !Files.exists(script)) {
            System.out.println("pytorch listing: " + python + " or " + script + " missing");
            return null;
        }
        try {
            Process p = new ProcessBuilder(python, script.toString(), "--model", MODEL.toString(), "--repeats",
                    Integer.toString(repeats)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String last = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    if (line.startsWith("{")) {
                        last = line;
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || last == null) {
                System.out.println("pytorch listing: " + script + " failed (exit " + p.exitValue() + ")");
                return null;
            }
            return new ObjectMapper().readTree(last);
        } catch (IOException e) {
            System.out.println("pytorch listing: cannot run " + python + ": " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * p50 and p99 of single-image {@code POST /v1/score} requests against the packaged application
     * ({@code target/quarkus-app}), started here on a free loopback port and stopped after; null
     * when it has not been packaged.
     */
    static double[] httpLatency(List<byte[]> images, int repeats) throws IOException, InterruptedException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            System.out.println("  (HTTP latency skipped: package the app first, see README)");
            return null;
        }
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Djepa.storage.local.poll-interval=off", "-jar", jar.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            java.net.URI ready = java.net.URI.create("http://127.0.0.1:" + port + "/q/health/ready");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    if (client.send(java.net.http.HttpRequest.newBuilder(ready).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline || !app.isAlive()) {
                    System.out.println("  (HTTP latency skipped: the packaged app did not become ready)");
                    return null;
                }
                Thread.sleep(200);
            }
            java.net.URI score = java.net.URI.create("http://127.0.0.1:" + port + "/v1/score");
            List<Double> latencies = new ArrayList<>();
            for (int r = -1; r < repeats; r++) {
                for (byte[] image : images) {
                    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(score)
                            .header("Content-Type", "image/png")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(image)).build();
                    long t = System.nanoTime();
                    int status = client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        throw new IOException("POST /v1/score answered " + status);
                    }
                    if (r >= 0) {
                        latencies.add((System.nanoTime() - t) / 1e6);
                    }
                }
            }
            return new double[] { percentile(latencies, 50), percentile(latencies, 99) };
        } finally {
            app.destroy();
            if (!app.waitFor(20, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    /** Best float32 MatMul rate ONNX Runtime reaches here, over a few square sizes. */
    static double matmulPeak() throws OrtException, IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] graph;
        try (InputStream in = ScorerBenchmark.class.getResourceAsStream("/bench/matmul.onnx")) {
            graph = in.readAllBytes();
        }
        double best = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(graph, options)) {
            Random random = new Random(1);
            // square sizes, and the scorer's own two large GEMM shapes ([N*K, 512] x [512, 512|784], N=32, K=64)
            for (int[] shape : new int[][] { { 512, 512, 512 }, { 1024, 1024, 1024 }, { 2048, 2048, 2048 },
                    { 2048, 512, 512 }, { 2048, 512, 784 } }) {
                int m = shape[0];
                int kk = shape[1];
                int n = shape[2];
                try (OnnxTensor a = tensor(env, gaussian(random, m * kk), m, kk);
                        OnnxTensor b = tensor(env, gaussian(random, kk * n), kk, n)) {
                    int runs = (long) m * kk * n >= 2048L * 2048 * 2048 ? 5 : 20;
                    for (int w = 0; w < 2; w++) {
                        session.run(Map.of("a", a, "b", b)).close();
                    }
                    for (int round = 0; round < 3; round++) {
                        long t = System.nanoTime();
                        for (int r = 0; r < runs; r++) {
                            session.run(Map.of("a", a, "b", b)).close();
                        }
                        double seconds = (System.nanoTime() - t) / 1e9 / runs;
                        best = Math.max(best, 2.0 * m * kk * n / seconds);
                    }
                }
            }
        }
        return best;
    }

    /** Seconds per image of {@code scorer.onnx} by itself (embedding and J, nothing after it), batch of {@code batch}. */
    static double graphSecondsPerImage(float[] pixels, int batch, int runs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(MODEL.resolve("scorer.onnx").toString(), options)) {
                FloatBuffer buffer = ByteBuffer.allocateDirect(pixels.length * 4).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                buffer.put(pixels).rewind();
                try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, new long[] { batch, 1, 28, 28 })) {
                    for (int w = 0; w < 3; w++) {
                        session.run(Map.of("pixels", input)).close();
                    }
                    double best = Double.MAX_VALUE;
                    for (int round = 0; round < 3; round++) {
                        long t = System.nanoTime();
                        for (int r = 0; r < runs; r++) {
                            session.run(Map.of("pixels", input)).close();
                        }
                        best = Math.min(best, (System.nanoTime() - t) / 1e9 / runs / batch);
                    }
                    return best;
                }
            }
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, float[] values, int rows, int cols) throws OrtException {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(values).rewind();
        return OnnxTensor.createTensor(env, buffer, new long[] { rows, cols });
    }

    private static float[] gaussian(Random random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    static float[] preprocess(ModelRuntime model, List<byte[]> images) {
        ImageDecoder decoder = new ImageDecoder(imageConfig());
        int size = model.inputSpec().size();
        float[] pixels = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            Preprocessor.toTensor(decoder.decode(images.get(i), model.inputSpec()), model.inputSpec(), pixels, i * size);
        }
        return pixels;
    }

    static List<byte[]> fixtureImages() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(MODEL.resolve("fixtures").resolve("reference.json").toFile());
        List<byte[]> images = new ArrayList<>();
        for (JsonNode f : ref.get("fixtures")) {
            images.add(Files.readAllBytes(MODEL.resolve("fixtures").resolve(f.get("file").asText())));
        }
        return images;
    }

    static double percentile(List<Double> values, double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    static ModelConfig modelConfig(int batch) {
        return ModelConfig.outsideContainer(MODEL.getParent().toString(), MODEL.getFileName().toString(),
                ModelConfig.Provider.valueOf(System.getProperty("bench.provider", "AUTO")), 3, batch);
    }

    static ImageConfig imageConfig() {
        return new ImageConfig() {
            public long maxBytes() {
                return 20 << 20;
            }

            public long maxPixels() {
                return 40_000_000;
            }

            public int maxBatch() {
                return 1024;
            }
        };
    }

    private ScorerBenchmark() {
    }

}
