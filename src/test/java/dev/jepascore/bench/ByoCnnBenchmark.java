package dev.jepascore.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.image.TestImages;
import dev.jepascore.packaging.PackageModelCommand;

/**
 * End to end over HTTP on a bring-your-own CNN shaped like issue 19's hidden one (K = 40, D = 784, 28x28 grey:
 * src/test/resources/bench/cnn40, models/tools/make_bench_cnn.py): packages it with {@code package-model} (52
 * images: the bundled model's 26 test fixtures and their mirror images), serves it from the packaged application
 * ({@code target/quarkus-app}, ONNX Runtime on 2 threads) and times {@code POST /v1/score/batch} with 32 images in
 * {@code mode=exact} and in {@code mode=sketch} (the same package's sketch at its chosen m), then, back to back,
 * PyTorch's {@code vmap(jacrev)} float32 batch 32 on 2 threads on the same module (models/bench_vmap_jacrev.py).
 * Prints per-image figures, the ratios and the machine's load before and after; asserts nothing. Run:
 * {@code ./mvnw -q -o package -DskipTests && ./mvnw -q -o -Pbench test-compile exec:java
 * -Dbench.main=dev.jepascore.bench.ByoCnnBenchmark} ({@code -Dbench.rounds=5}, {@code -Dbench.sketch-rounds=2},
 * {@code -Dbench.repackage=true} to package again).
 */
public final class ByoCnnBenchmark {

    private static final Path SOURCE = Path.of("src", "test", "resources", "bench", "cnn40");
    private static final Path MODELS = Path.of("target", "bench-byo");
    private static final String ID = "cnn40";
    private static final int BATCH = 32;
    private static final int THREADS = 2;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        int sketchRounds = Integer.getInteger("bench.sketch-rounds", 2);
        String python = System.getProperty("bench.python", "/usr/bin/python3");
        Path pkg = MODELS.resolve(ID);
        List<byte[]> images = images();
        if (!Files.exists(pkg.resolve("model.json")) || Boolean.getBoolean("bench.repackage")) {
            Path dir = Files.createTempDirectory("cnn40-images");
            for (int i = 0; i < images.size(); i++) {
                Files.write(dir.resolve(String.format(Locale.ROOT, "img-%02d.png", i)), images.get(i));
            }
            int code = PackageModelCommand.run(new String[] { "--encoder", SOURCE.resolve("encoder.onnx").toString(),
                    "--images", dir.toString(), "--out", pkg.toString(), "--id", ID, "--force", "--scale",
                    "0.00392156862745098", "--mean", "0.286", "--std", "0.353" }, System.out, System.err);
            if (code != 0) {
                throw new IllegalStateException("package-model exited " + code);
            }
        }
        JsonNode manifest = new ObjectMapper().readTree(pkg.resolve("model.json").toFile());
        System.out.printf(Locale.ROOT, "package %s: K=%d, D=784, default mode %s, sketch m=%d; package-model's cost "
                + "model: %s%n", pkg, manifest.path("embeddingDim").asInt(), manifest.path("defaultMode").asText(),
                manifest.path("sketch").path("directions").asInt(), manifest.path("cost"));
        System.out.printf(Locale.ROOT, "machine: %d cores, load before: %s%n", Runtime.getRuntime().availableProcessors(),
                load());

        byte[] body = multipart(images.subList(0, BATCH));
        double[] exact;
        double[] sketch;
        Process app = start();
        try {
            int port = port(app);
            exact = time(port, "exact", body, rounds);
            sketch = time(port, "sketch", body, sketchRounds);
        } finally {
            app.destroy();
            if (!app.waitFor(20, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
        String torch = vmapJacrev(python, rounds);
        System.out.printf(Locale.ROOT, "load after: %s%n%n", load());
        System.out.printf(Locale.ROOT, "| per image, batch %d, %d threads | best ms | median ms |%n", BATCH, THREADS);
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| exact (package-model's scorer.onnx), POST /v1/score/batch | %.2f | %.2f |%n",
                exact[0], exact[1]);
        System.out.printf(Locale.ROOT, "| sketch m=%d (same package), POST /v1/score/batch | %.2f | %.2f |%n",
                manifest.path("sketch").path("directions").asInt(), sketch[0], sketch[1]);
        System.out.printf(Locale.ROOT, "| PyTorch vmap(jacrev) float32 + svdvals, in process | %s |%n", torch);
        System.out.printf(Locale.ROOT, "sketch / exact (best): %.1fx%n", sketch[0] / exact[0]);
    }

    /** The bundled model's 26 test fixtures and their mirror images, as PNG bytes. */
    private static List<byte[]> images() throws IOException {
        List<Path> fixtures;
        try (Stream<Path> s = Files.list(Path.of("models", "fmnist-lejepa", "fixtures"))) {
            fixtures = s.filter(p -> p.getFileName().toString().matches("test-\\d+\\.png")).sorted().toList();
        }
        List<byte[]> out = new ArrayList<>();
        for (Path f : fixtures) {
            out.add(Files.readAllBytes(f));
            BufferedImage image = ImageIO.read(f.toFile());
            BufferedImage mirror = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    mirror.getRaster().setSample(image.getWidth() - 1 - x, y, 0, image.getRaster().getSample(x, y, 0));
                }
            }
            out.add(TestImages.encode(mirror, "png"));
        }
        return out;
    }

    private static final String BOUNDARY = "cnn40-bench-boundary";

    private static byte[] multipart(List<byte[]> images) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < images.size(); i++) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"img-" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(images.get(i));
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Process start() throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the application first: ./mvnw -q -o package -DskipTests");
        }
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-Djepa.storage.local.poll-interval=off",
                "-Djepa.model.dir=" + MODELS.toAbsolutePath(), "-Djepa.model.packages=" + ID,
                "-Djepa.model.intra-op-threads=" + THREADS, "-jar", jar.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        ports.put(p, port);
        return p;
    }

    private static final java.util.Map<Process, Integer> ports = new java.util.HashMap<>();

    /** Waits for readiness and returns the port. */
    private static int port(Process app) throws IOException, InterruptedException {
        int port = ports.get(app);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return port;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !app.isAlive()) {
                throw new IllegalStateException("the packaged application serving " + ID + " did not become ready");
            }
            Thread.sleep(200);
        }
    }

    /** Best and median ms per image of {@code rounds} batch requests in {@code mode}, after one warm-up request. */
    private static double[] time(int port, String mode, byte[] body, int rounds) throws IOException,
            InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score/batch?model="
                + ID + "&mode=" + mode)).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        double[] perImage = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            long t = System.nanoTime();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - t) / 1e6 / BATCH;
            if (response.statusCode() != 200 || !response.body().contains("\"mode\":\"" + mode + "\"")) {
                throw new IOException("POST /v1/score/batch mode=" + mode + " answered " + response.statusCode() + ": "
                        + response.body().substring(0, Math.min(300, response.body().length())));
            }
            if (r >= 0) {
                perImage[r] = ms;
            }
        }
        Arrays.sort(perImage);
        return new double[] { perImage[0], perImage[rounds / 2] };
    }

    private static String vmapJacrev(String python, int rounds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python, "models/bench_vmap_jacrev.py", "--module",
                "models/tools/make_bench_cnn.py", "--batch", Integer.toString(BATCH), "--threads",
                Integer.toString(THREADS), "--rounds", Integer.toString(rounds))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        System.out.println(out);
        return out.replaceAll(".*J \\+ scores ([0-9.]+) ms/image.*", "$1 (best) | -");
    }

    private static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
