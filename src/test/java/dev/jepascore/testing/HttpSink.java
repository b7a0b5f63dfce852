package dev.jepascore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP endpoint on a loopback port that records every request it gets (a CloudEvents sink in the tests). What
 * it answers is set with {@link #answer(int, long)}: a status and a delay, so a test can take it down (503), make it
 * slow, or refuse (400).
 * <p>
 * Quarkus loads test resources and test classes with different class loaders, so its state lives in the JVM's system
 * properties (plain {@code java.util} objects, seen from every loader), as {@link S3ProxyServer}'s does.
 */
public final class HttpSink {

    private static final String RECEIVED = "jepa.test.sink.received";
    private static final String STATUS = "jepa.test.sink.status";
    private static final String DELAY = "jepa.test.sink.delay-ms";
    private static final String URL = "jepa.test.sink.url";

    private final HttpServer server;

    private HttpSink(HttpServer server) {
        this.server = server;
    }

    /** Starts a sink answering 202 at once, and makes it the one {@link #received()} describes. */
    @SuppressWarnings("unchecked")
    public static HttpSink start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            Queue<Map<String, String>> received = new ConcurrentLinkedQueue<>();
            System.getProperties().put(RECEIVED, received);
            answer(202, 0);
            server.createContext("/", exchange -> {
                Map<String, String> request = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> request.put(name.toLowerCase(Locale.ROOT),
                        String.join(",", values)));
                try (InputStream in = exchange.getRequestBody()) {
                    request.put("body", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                int status = Integer.parseInt(System.getProperty(STATUS, "202"));
                long delay = Long.parseLong(System.getProperty(DELAY, "0"));
                request.put("answered", Integer.toString(status));
                ((Queue<Map<String, String>>) System.getProperties().get(RECEIVED)).add(request);
                if (delay > 0) {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
            System.setProperty(URL, url.toString());
            return new HttpSink(server);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the test sink", e);
        }
    }

    /** Where the sink listens. */
    public static URI url() {
        return URI.create(System.getProperty(URL));
    }

    /** What the next requests are answered: {@code status} after {@code delayMs}. */
    public static void answer(int status, long delayMs) {
        System.setProperty(STATUS, Integer.toString(status));
        System.setProperty(DELAY, Long.toString(delayMs));
    }

    /** Every request so far, oldest first: lower-case header names, plus {@code body} and {@code answered}. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, String>> received() {
        Object queue = System.getProperties().get(RECEIVED);
        return queue == null ? List.of() : new ArrayList<>((Queue<Map<String, String>>) queue);
    }

    /** The requests that were answered with a 2xx. */
    public static List<Map<String, String>> accepted() {
        return received().stream().filter(r -> r.get("answered").startsWith("2")).toList();
    }

    public static void clear() {
        Object queue = System.getProperties().get(RECEIVED);
        if (queue instanceof Queue<?> q) {
            q.clear();
        }
        answer(202, 0);
    }

    public void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
