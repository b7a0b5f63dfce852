package dev.jepascore.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application listens before its model is loaded (dev.jepascore.startup.StartupWork): work sent the
 * moment the port opens, as a platform that woke the function sends it, is held until the model is ready and then
 * scored right; when its wait (jepa.startup.request-wait) runs out first it is a retriable 503 model_loading, never
 * a wrong answer. Readiness answers at once while loading (DOWN), never hangs.
 */
class EarlyRequestIT {

    private static final Path RUNNER = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration LIMIT = Duration.ofSeconds(120);
    /** As GoldenScoreTest: absolute tolerance against the float64 reference; the graph runs in float32. */
    private static final double TOLERANCE = 1e-3;
    private static final Pattern SCORE = Pattern.compile("\"jepaScore\"\\s*:\\s*(-?[0-9.eE+-]+)");

    @TempDir
    Path work;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void a_score_sent_when_the_port_opens_waits_for_the_model_and_is_right() throws Exception {
        Fixtures.Fixture fixture = Fixtures.all().get(0);
        int port = freePort();
        Process app = launch(port);
        try {
            awaitPort(app, port);
            HttpResponse<String> ready = client.send(get(port, "/q/health/ready"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> scored = client.send(score(port, fixture.png()), HttpResponse.BodyHandlers.ofString());

            assertTrue(ready.statusCode() == 503 && ready.body().contains("loading")
                    || ready.statusCode() == 200 && ready.body().contains("UP"),
                    "readiness while starting: " + ready.statusCode() + " " + ready.body());
            assertEquals(200, scored.statusCode(), scored.body());
            assertScore(fixture, scored.body());
        } finally {
            stop(app);
        }
    }

    @Test
    void a_request_whose_wait_runs_out_is_503_model_loading_and_the_next_is_scored() throws Exception {
        Fixtures.Fixture fixture = Fixtures.all().get(0);
        int port = freePort();
        Process app = launch(port, "-Djepa.startup.request-wait=1ms");
        try {
            awaitPort(app, port);
            HttpResponse<String> first = client.send(score(port, fixture.png()), HttpResponse.BodyHandlers.ofString());
            if (first.statusCode() == 503) {
                assertTrue(first.body().contains("model_loading"), first.body());
                assertTrue(first.headers().firstValue("Retry-After").isPresent(), "503 without Retry-After");
            } else {
                assertEquals(200, first.statusCode(), first.body());
                assertScore(fixture, first.body());
            }
            long deadline = System.nanoTime() + LIMIT.toNanos();
            HttpResponse<String> later;
            do {
                Thread.sleep(20);
                later = client.send(score(port, fixture.png()), HttpResponse.BodyHandlers.ofString());
                assertTrue(later.statusCode() == 200 || later.statusCode() == 503 && later.body().contains("model_loading"),
                        later.statusCode() + " " + later.body());
            } while (later.statusCode() != 200 && System.nanoTime() < deadline);
            assertEquals(200, later.statusCode(), later.body());
            assertScore(fixture, later.body());
        } finally {
            stop(app);
        }
    }

    private static void assertScore(Fixtures.Fixture fixture, String body) {
        Matcher m = SCORE.matcher(body);
        assertTrue(m.find(), "no jepaScore in " + body);
        double score = Double.parseDouble(m.group(1));
        assertTrue(Math.abs(score - fixture.jepaScore()) <= TOLERANCE,
                fixture.name() + ": " + score + ", reference " + fixture.jepaScore());
    }

    private Process launch(int port, String... properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Djepa.storage.local.root=" + work.resolve("data"));
        command.add("-Djepa.storage.local.poll-interval=off");
        command.addAll(List.of(properties));
        command.add("-jar");
        command.add(RUNNER.toAbsolutePath().toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("out.log").toFile())
                .start();
    }

    /** Tries to connect every 2 ms until the server accepts (what a platform's TCP probe does). */
    private void awaitPort(Process app, int port) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("exited with " + app.exitValue() + ":\n" + Files.readString(work.resolve("out.log")));
            }
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (ConnectException notYet) {
                Thread.sleep(2);
            }
        }
        throw new AssertionError("port " + port + " not open within " + LIMIT);
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(LIMIT).GET().build();
    }

    private static HttpRequest score(int port, byte[] png) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score")).timeout(LIMIT)
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
    }

    private static void stop(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(10, TimeUnit.SECONDS)) {
            app.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
