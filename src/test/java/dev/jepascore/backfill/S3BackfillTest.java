package dev.jepascore.backfill;

import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.S3ObjectStore;
import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The backfill against a real S3 server (S3Proxy) with the real model: paged listing, the same documents as storage
 * events, bad buckets, prefixes and credentials, and the fan-out of events to a running function (this test's own
 * instance) through a proxy that answers 503 first.
 */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3BackfillTest {

    private static final String BUCKET = S3ProxyResource.BUCKET;
    private static S3Client s3;

    @Inject
    ObjectStore store;

    @Inject
    ObjectScoringJob job;

    @Inject
    ObjectMapper json;

    @TestHTTPResource("/v1/events")
    URL events;

    @BeforeAll
    static void client() {
        s3 = TestS3.client(S3ProxyServer.current());
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    /** Uploads a PNG test object ({@link TestS3#upload}: retried when S3Proxy drops the connection). */
    static void upload(S3Client s3, String bucket, String key, byte[] bytes) {
        TestS3.upload(s3, bucket, key, bytes, "image/png");
    }

    private static void upload(String key, byte[] bytes) {
        upload(s3, BUCKET, key, bytes);
    }

    private static List<String> results(String keyPrefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("jepa-scores/" + keyPrefix)).contents().stream()
                .map(S3Object::key).filter(key -> key.endsWith(".json")).toList();
    }

    private record Run(int code, String out, String err) {
        long count(String label) {
            Matcher m = Pattern.compile("(?m)^\\s+(\\d+)  " + Pattern.quote(label) + "$").matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }
    }

    private Run run(ObjectStore with, int pageSize, String... args) {
        BackfillOptions options = BackfillOptions.parse(args);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackfillCommand.execute(options, new Backfill(with, job.keys(), options.concurrency(), pageSize), with,
                job.keys(), job::process, json, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void backfill_scores_each_object_once_across_pages_with_the_documents_storage_events_write() {
        int n = 75;
        for (int i = 0; i < n; i++) {
            upload("paged/img " + i + ".png", png(i));
        }
        upload("jepa-scores/paged/stray.png", png(1));
        Run first = run(store, 30, "--bucket", BUCKET, "--prefix", "paged/", "--concurrency", "2");
        assertEquals(0, first.code(), first.out() + first.err());
        assertEquals(n, first.count("scored"), first.out());
        assertEquals(n, results("paged/").size());

        Run again = run(store, 30, "--bucket", BUCKET, "--prefix", "paged/");
        assertEquals(0, again.code(), again.out() + again.err());
        assertEquals(n, again.count("already had a document"), again.out());
        assertEquals(0, again.count("scored"), again.out());
        assertEquals(n, results("paged/").size());
        assertTrue(results("paged/stray").isEmpty(), "an object under the results prefix is never scored");

        // the storage event for the same version finds the backfill's document: same key, nothing written
        byte[] image = png(7);
        post("/onObjectCreated", s3Event(BUCKET, "paged/img 7.png", md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("duplicate"))
                .body("objects[0].resultKey", equalTo("jepa-scores/paged/img 7.png@" + md5(image) + ".json"));
        assertEquals(n, results("paged/").size());
    }

    @Test
    void dry_run_counts_without_scoring_or_writing() {
        for (int i = 0; i < 5; i++) {
            upload("dry/" + i + ".png", png(200 + i));
        }
        Run dry = run(store, 1000, "--bucket", BUCKET, "--prefix", "dry/", "--dry-run");
        assertEquals(0, dry.code(), dry.out() + dry.err());
        assertEquals(5, dry.count("would be scored"), dry.out());
        assertEquals(0, results("dry/").size());
    }

    @Test
    void missing_bucket_exits_1_naming_it() {
        Run run = run(store, 1000, "--bucket", "no-such-bucket");
        assertEquals(BackfillCommand.EXIT_CANNOT_LIST, run.code());
        assertEquals("backfill: cannot list bucket 'no-such-bucket' (bucket_not_found): Bucket 'no-such-bucket' does "
                + "not exist", run.err());
    }

    @Test
    void prefix_without_objects_exits_1_naming_it() {
        Run run = run(store, 1000, "--bucket", BUCKET, "--prefix", "no-such-prefix/");
        assertEquals(BackfillCommand.EXIT_CANNOT_LIST, run.code());
        assertEquals("backfill: no objects under prefix 'no-such-prefix/' in bucket 'uploads' (keys are "
                + "case-sensitive; check --prefix)", run.err());
    }

    @Test
    void listing_refused_by_the_server_exits_1_as_access_denied() {
        try (S3Client wrong = TestS3.client(S3ProxyServer.current(), "not-" + S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY)) {
            Run run = run(new S3ObjectStore(wrong, Duration.ofSeconds(10)), 1000, "--bucket", BUCKET);
            assertEquals(BackfillCommand.EXIT_CANNOT_LIST, run.code());
            assertTrue(run.err().startsWith("backfill: cannot list bucket 'uploads' (access_denied): Access denied to "
                    + "list '*' in bucket 'uploads'"), run.err());
        }
    }

    @Test
    void events_fan_out_to_a_running_function_retrying_503_answers() throws IOException {
        int n = 30;
        for (int i = 0; i < n; i++) {
            upload("fanout/" + i + ".png", png(300 + i));
        }
        upload("fanout/readme.txt", "not an image".getBytes(StandardCharsets.UTF_8));
        // a front that answers the first three requests 503 with Retry-After, as an overloaded platform does
        AtomicInteger requests = new AtomicInteger();
        HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpServer front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.createContext("/", exchange -> relay(exchange, requests.incrementAndGet() <= 3, forward));
        front.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        front.start();
        try {
            String url = "http://127.0.0.1:" + front.getAddress().getPort() + "/v1/events";
            Run run = run(store, 1000, "--bucket", BUCKET, "--prefix", "fanout/", "--emit-events", url,
                    "--concurrency", "3");
            assertEquals(0, run.code(), run.out() + run.err());
            assertEquals(n, run.count("scored"), run.out());
            assertEquals(1, run.count("failed, recorded: not_an_image"), run.out());
            assertEquals(3, run.count("requests sent again after 429/5xx or a connection failure"), run.out());
            assertEquals(n + 1 + 3, requests.get());
            assertEquals(n + 1, results("fanout/").size());

            Run again = run(store, 1000, "--bucket", BUCKET, "--prefix", "fanout/", "--emit-events", url);
            assertEquals(0, again.code(), again.out() + again.err());
            assertEquals(n + 1, again.count("already had a document"), again.out());
            assertEquals(n + 1, results("fanout/").size());
        } finally {
            front.stop(0);
            ((java.util.concurrent.ExecutorService) front.getExecutor()).shutdownNow();
        }
    }

    private void relay(HttpExchange exchange, boolean refuse, HttpClient forward) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            if (refuse) {
                byte[] answer = "{\"error\":\"overloaded\",\"message\":\"busy\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(503, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            HttpResponse<byte[]> response;
            try {
                response = forward.send(HttpRequest.newBuilder(URI.create(events.toString()))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            exchange.sendResponseHeaders(response.statusCode(), response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }
}
