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
import java.util.Optional;

/**
 * S3Proxy 4.1.0 (the real S3 server used by the storage tests) as a separate {@code java -jar} process on a loopback
 * port with a filesystem backend. The jar is copied to {@code target/s3proxy/s3proxy.jar} by the
 * maven-dependency-plugin and found through the {@code s3proxy.jar} system property set by surefire.
 * <p>
 * Quarkus loads test resources and test classes with different class loaders, so the running server is described
 * by system properties ({@code jepa.test.s3proxy.*}) rather than static fields: a test can stop and restart the same
 * server (same port, same data directory) with {@link #current()}.
 */
public final class S3ProxyServer {

    public static final String ACCESS_KEY = "jepa-test-access";
    public static final String SECRET_KEY = "jepa-test-secret";
    static final String PORT_PROPERTY = "jepa.test.s3proxy.port";
    static final String DIR_PROPERTY = "jepa.test.s3proxy.dir";
    /** Followed by the port: several servers may be alive at once (a plain test beside a Quarkus test's). */
    static final String PID_PROPERTY_PREFIX = "jepa.test.s3proxy.pid.";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final Path dir;

    private S3ProxyServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts a new server on a free loopback port with an empty data directory. */
    public static S3ProxyServer startNew() {
        try {
            Path dir = Files.createTempDirectory("jepa-s3proxy-");
            Files.createDirectories(dir.resolve("data"));
            S3ProxyServer server = new S3ProxyServer(freePort(), dir);
            System.setProperty(PORT_PROPERTY, Integer.toString(server.port));
            System.setProperty(DIR_PROPERTY, dir.toString());
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare a data directory for S3Proxy", e);
        }
    }

    /** The server most recently started by {@link #startNew()} in this JVM, seen from any class loader. */
    public static S3ProxyServer current() {
        String port = System.getProperty(PORT_PROPERTY);
        String dir = System.getProperty(DIR_PROPERTY);
        if (port == null || dir == null) {
            throw new IllegalStateException("No S3Proxy was started in this JVM (" + PORT_PROPERTY + " unset)");
        }
        return new S3ProxyServer(Integer.parseInt(port), Path.of(dir));
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /** Starts the process (again) on this server's port and directory and waits until it answers HTTP. */
    public void start() {
        Path jar = jar();
        try {
            Path conf = dir.resolve("s3proxy.conf");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + dataDir(),
                    ""));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties",
                    conf.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                    .start();
            System.setProperty(pidProperty(), Long.toString(process.pid()));
            // last resort if the test JVM ends without stopping it
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "s3proxy-" + port + "-stop"));
            waitUntilAnswering(process);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start S3Proxy from " + jar, e);
        }
    }

    /** Stops the process and waits until it is gone; the data directory is kept. */
    public void stop() {
        String pid = System.getProperty(pidProperty());
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(pid));
        handle.ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
        System.clearProperty(pidProperty());
    }

    private String pidProperty() {
        return PID_PROPERTY_PREFIX + port;
    }

    /** Stops the process and deletes its data directory. */
    public void destroy() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
        if (Integer.toString(port).equals(System.getProperty(PORT_PROPERTY))) {
            System.clearProperty(PORT_PROPERTY);
            System.clearProperty(DIR_PROPERTY);
        }
    }

    private void waitUntilAnswering(Process process) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + "; see " + dir.resolve("s3proxy.log"));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) endpoint().toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                int status = connection.getResponseCode(); // 403 for an anonymous request: it is up
                connection.disconnect();
                if (status > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for S3Proxy", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Proxy did not answer on " + endpoint() + " within " + START_TIMEOUT);
    }

    private static Path jar() {
        String configured = System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar");
        Path jar = Path.of(configured);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar.toAbsolutePath()
                    + "; run the tests through Maven (process-test-resources copies it there)");
        }
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
