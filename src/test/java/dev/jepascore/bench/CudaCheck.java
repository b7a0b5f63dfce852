package dev.jepascore.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * End-to-end check of the CUDA build on a GPU machine (bench/cuda-check.sh builds it and runs this): starts the
 * packaged app twice, with {@code jepa.model.provider=cpu} and {@code =cuda}, scores every fixture of the bundled
 * model through {@code POST /v1/score} in each, and prints the scores and the server-side times side by side.
 * Exits 1 when the CUDA run does not report {@code cuda:N} as its provider (it must fail, not fall back) or a score
 * differs from the CPU one by more than {@value #TOLERANCE} (both run the same float32 graphs; the fixtures'
 * scores spread over tens of units, docs/performance.md).
 *
 * <pre>java src/test/java/dev/jepascore/bench/CudaCheck.java target/quarkus-app [REPEATS]</pre>
 */
public final class CudaCheck {

    static final double TOLERANCE = 0.05;
    private static final Path FIXTURES = Path.of("models/fmnist-lejepa/fixtures");
    private static final Pattern SCORE = Pattern.compile("\"jepaScore\":(-?[0-9.eE+-]+)");
    private static final Pattern TOTAL = Pattern.compile("\"total\":([0-9.eE+-]+)");
    private static final Pattern PROVIDER = Pattern.compile("\"provider\":\"([^\"]+)\"");

    private record Measured(String provider, Map<String, Double> scores, Map<String, Double> medianMs) {
    }

    public static void main(String[] args) throws Exception {
        Path app = Path.of(args.length > 0 ? args[0] : "target/quarkus-app").toAbsolutePath();
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Path> fixtures;
        try (Stream<Path> files = Files.list(FIXTURES)) {
            fixtures = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        Measured cpu = run(app, "cpu", fixtures, repeats);
        Measured cuda = run(app, "cuda", fixtures, repeats);

        System.out.printf(Locale.ROOT, "providers: %s vs %s; %d fixtures, median of %d requests each%n", cpu.provider(),
                cuda.provider(), fixtures.size(), repeats);
        System.out.println("| fixture | score cpu | score cuda | abs diff | ms cpu | ms cuda |");
        System.out.println("|---|---|---|---|---|---|");
        double worst = 0;
        for (String name : cpu.scores().keySet()) {
            double diff = Math.abs(cpu.scores().get(name) - cuda.scores().get(name));
            worst = Math.max(worst, diff);
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.2e | %.2f | %.2f |%n", name, cpu.scores().get(name),
                    cuda.scores().get(name), diff, cpu.medianMs().get(name), cuda.medianMs().get(name));
        }
        System.out.printf(Locale.ROOT, "largest difference %.3e (tolerance %.2f)%n", worst, TOLERANCE);
        boolean ok = cuda.provider().startsWith("cuda:") && worst <= TOLERANCE;
        System.out.println(ok ? "CUDA build OK" : "CUDA build NOT OK");
        System.exit(ok ? 0 : 1);
    }

    private static Measured run(Path app, String provider, List<Path> fixtures, int repeats) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("jepa-cuda-check-" + provider, ".log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Djepa.model.provider=" + provider,
                "-Djepa.storage.local.poll-interval=off", "-jar", app.resolve("quarkus-run.jar").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        try {
            String ready = waitReady(client, base, process, log);
            Matcher p = PROVIDER.matcher(ready);
            String used = p.find() ? p.group(1) : "?";
            Map<String, Double> scores = new LinkedHashMap<>();
            Map<String, Double> times = new LinkedHashMap<>();
            for (Path fixture : fixtures) {
                byte[] image = Files.readAllBytes(fixture);
                double[] ms = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/score"))
                            .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(image))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(fixture + " on " + provider + ": " + response.body());
                    }
                    scores.put(fixture.getFileName().toString(), number(SCORE, response.body()));
                    ms[i] = number(TOTAL, response.body());
                }
                Arrays.sort(ms);
                times.put(fixture.getFileName().toString(), ms[repeats / 2]);
            }
            return new Measured(used, scores, times);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String waitReady(HttpClient client, String base, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the app exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return ready.body().replace(" ", "");
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not ready within 120 s:\n" + Files.readString(log));
    }

    private static double number(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in " + body);
        }
        return Double.parseDouble(m.group(1));
    }

    private CudaCheck() {
    }
}
