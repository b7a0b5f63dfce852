package dev.jepascore.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.jepascore.testing.EventTestSupport;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;

/**
 * The packaged application's {@code backfill} command as a user runs it, over 2000 objects in S3Proxy: killed with
 * SIGKILL part-way, run again, it scores only what has no document, and every object ends with exactly one.
 */
class BackfillIT {

    private static final String BUCKET = "bulk";
    private static final String VIT_BUCKET = "backfill-vit";
    private static final int OBJECTS = 2000;
    /** The first run is killed once this many documents exist. */
    private static final int KILL_AFTER = 300;
    private static final long RUN_TIMEOUT_MINUTES = 10;

    private static S3ProxyServer server;
    private static S3Client s3;

    @BeforeAll
    static void bucket() throws Exception {
        server = S3ProxyServer.startNew();
        s3 = TestS3.client(server);
        s3.createBucket(b -> b.bucket(BUCKET));
        ExecutorService uploads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            int seed = i;
            done.add(uploads.submit(() -> S3BackfillTest.upload(s3, BUCKET, key(seed), image(seed))));
        }
        for (Future<?> f : done) {
            f.get();
        }
        uploads.shutdown();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    private static String key(int i) {
        return "shots/" + (i % 10) + "/img-" + i + ".png";
    }

    /** 28x28 PNGs: the storage tests' blobs, whose position and brightness follow the seed. */
    private static byte[] image(int i) {
        return EventTestSupport.png(i);
    }

    private static Map<String, String> documents() {
        Map<String, String> documents = new HashMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("jepa-scores/")).contents()) {
            documents.put(o.key(), o.eTag());
        }
        return documents;
    }

    private static Process backfill(Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g",
                "-Djepa.storage.kind=s3",
                // documents beside the objects (jepa-scores/ in the bucket), signed; the buckets served: the bulk one
                // and the one --model scores with photo-vit
                "-Djepa.storage.results-signing-key=" + dev.jepascore.testing.S3ProxyResource.SIGNING_KEY,
                "-Djepa.storage.buckets=" + BUCKET + "," + VIT_BUCKET,
                "-Dquarkus.s3.endpoint-override=" + server.endpoint(),
                "-Dquarkus.s3.path-style-access=true",
                "-Dquarkus.s3.aws.region=us-east-1",
                "-Dquarkus.s3.aws.credentials.type=static",
                "-Dquarkus.s3.aws.credentials.static-provider.access-key-id=" + S3ProxyServer.ACCESS_KEY,
                "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key=" + S3ProxyServer.SECRET_KEY,
                "-jar", "target/quarkus-app/quarkus-run.jar", "backfill"));
        command.addAll(args.length > 0 ? List.of(args) : List.of("--bucket", BUCKET, "--concurrency", "2"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static long count(String out, String label) {
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+)  " + Pattern.quote(label) + "$").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void killed_backfill_resumes_without_rescoring_and_leaves_one_document_per_object() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/backfill-it"));
        Process first = backfill(dir.resolve("first.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(RUN_TIMEOUT_MINUTES);
        while (documents().size() < KILL_AFTER && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertTrue(first.isAlive(), "the first run was still working when killed: "
                + Files.readString(dir.resolve("first.log")));
        first.destroyForcibly();
        assertTrue(first.waitFor(1, TimeUnit.MINUTES));
        Map<String, String> before = documents();
        assertTrue(before.size() >= KILL_AFTER && before.size() < OBJECTS, "documents at the kill: " + before.size());

        Process second = backfill(dir.resolve("second.log"));
        assertTrue(second.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES), "the second run ends");
        String out = Files.readString(dir.resolve("second.log"));
        assertEquals(0, second.exitValue(), out);
        assertEquals(before.size(), count(out, "already had a document"), out);
        assertEquals(OBJECTS - before.size(), count(out, "scored"), out);
        // not on a terminal: periodic progress log lines with done/total, rate, ETA and failures
        assertTrue(Pattern.compile("\\d+/" + OBJECTS + " done, [0-9.]+ objects/s, (ETA|finished).*, 0 failed").matcher(out)
                .find(), out);
        System.out.println("BackfillIT second run:\n" + out.lines().filter(l -> l.startsWith("backfill") || l.startsWith("  "))
                .reduce("", (a, b) -> a + b + "\n"));

        Map<String, String> after = documents();
        assertEquals(OBJECTS, after.size());
        before.forEach((key, eTag) -> assertEquals(eTag, after.get(key), "document rewritten: " + key));
        for (int i = 0; i < OBJECTS; i++) {
            String document = "jepa-scores/" + key(i) + "@" + EventTestSupport.md5(image(i)) + ".json";
            assertTrue(after.containsKey(document), document);
        }
    }

    @Test
    void model_flag_scores_the_bucket_with_the_named_model_and_an_unknown_one_stops_start_up() throws Exception {
        String bucket = VIT_BUCKET;
        s3.createBucket(b -> b.bucket(bucket));
        for (int i = 0; i < 3; i++) {
            S3BackfillTest.upload(s3, bucket, "crops/c-" + i + ".png", image(i));
        }
        Path dir = Files.createDirectories(Path.of("target/backfill-it"));
        Process run = backfill(dir.resolve("model.log"), "--bucket", bucket, "--model", "photo-vit");
        assertTrue(run.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES), "the run ends");
        String out = Files.readString(dir.resolve("model.log"));
        assertEquals(0, run.exitValue(), out);
        assertEquals(3, count(out, "scored"), out);
        for (int i = 0; i < 3; i++) {
            String key = "jepa-scores/crops/c-" + i + ".png@" + EventTestSupport.md5(image(i)) + ".json";
            String document = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
            com.fasterxml.jackson.databind.JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(document);
            assertEquals("photo-vit", parsed.path("model").path("id").asText(), document);
            assertEquals("sketch", parsed.path("mode").asText(), document);
        }

        Process unknown = backfill(dir.resolve("unknown-model.log"), "--bucket", bucket, "--model", "no-such-model");
        assertTrue(unknown.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES), "the run ends");
        String refused = Files.readString(dir.resolve("unknown-model.log"));
        assertTrue(unknown.exitValue() != 0, refused);
        assertTrue(refused.contains("no-such-model") && refused.contains("jepa.storage.bucket-models"), refused);
    }
}
