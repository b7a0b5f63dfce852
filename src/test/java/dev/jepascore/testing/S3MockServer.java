package dev.jepascore.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Adobe's S3Mock (a Spring Boot S3 server) as a separate {@code java -jar} process on a loopback port: the S3 server
 * of the tests that need object tagging, which S3Proxy answers with 501. It checks no signatures, so any credentials
 * do. The jar is copied to {@code target/s3mock/s3mock.jar} by the maven-dependency-plugin and found through the
 * {@code s3mock.jar} system property set by surefire. Its start takes 15-40 s on this machine (Spring Boot).
 * <p>
 * The main connector serves plain HTTP on 127.0.0.1; S3Mock always adds a second HTTP connector whose address it does
 * not let a user set, so that one is given a free port and never used.
 */
public final class S3MockServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final int port;
    private final Path dir;
    private final Process process;

    private S3MockServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts a server with the given buckets, empty, and waits until it answers. */
    public static S3MockServer start(List<String> buckets) {
        Path jar = Path.of(System.getProperty("s3mock.jar", "target/s3mock/s3mock.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock jar not found at " + jar.toAbsolutePath()
                    + "; run the tests through Maven (process-test-resources copies it there)");
        }
        try {
            Path dir = Files.createTempDirectory("jepa-s3mock-");
            int port = freePort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                    jar.toString(), "--server.ssl.enabled=false", "--server.address=127.0.0.1", "--server.port=" + port,
                    "--com.adobe.testing.s3mock.http-port=" + freePort(),
                    "--com.adobe.testing.s3mock.store.root=" + dir.resolve("store"),
                    "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                    "--spring.main.banner-mode=off"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3mock.log").toFile()))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "s3mock-" + port + "-stop"));
            S3MockServer server = new S3MockServer(port, dir, process);
            server.waitUntilAnswering();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start S3Mock from " + jar, e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops the process and deletes its data. */
    public void destroy() {
        process.destroy();
        try {
            process.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    private void waitUntilAnswering() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited with " + process.exitValue() + "; see "
                        + dir.resolve("s3mock.log"));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) endpoint().toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(5000);
                int status = connection.getResponseCode(); // 200: the bucket list
                connection.disconnect();
                if (status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for S3Mock", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Mock did not answer on " + endpoint() + " within " + START_TIMEOUT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
