package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The embedded default: a file copied into the uploads directory gets its result document, as after an event. */
@QuarkusTest
@TestProfile(LocalUploadsPollerTest.Polling.class)
class LocalUploadsPollerTest {

    static final Path ROOT = Path.of("target/poll-test-data");
    static final Path UPLOADS = ROOT.resolve("uploads");
    /** The local store's results directory of its own. */
    static final Path RESULTS = ROOT.resolve("jepa-results");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Polls every 200 ms and takes files at once. */
    public static class Polling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.storage.local.root", ROOT.toString(),
                    "jepa.storage.local.poll-interval", "200ms",
                    "jepa.storage.local.settle-time", "0s");
        }
    }

    @BeforeAll
    static void emptyRoot() throws IOException {
        if (Files.exists(ROOT)) {
            try (Stream<Path> files = Files.walk(ROOT)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Copies like a user would: write elsewhere, then move in. */
    private static void copyIn(String key, byte[] bytes) throws IOException {
        Path staged = Files.createTempFile(ROOT.toAbsolutePath().getParent(), "staged-", ".tmp");
        Files.write(staged, bytes);
        Path target = UPLOADS.resolve(key);
        Files.createDirectories(target.getParent());
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonNode awaitDocument(Path document) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(document)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no result document " + document + " after " + WAIT);
            }
            Thread.sleep(100);
        }
        return json(Files.readString(document));
    }

    @Test
    void image_copied_into_uploads_gets_a_result_document_with_the_on_demand_score() throws Exception {
        byte[] image = png(31);
        copyIn("new arrivals/boot.png", image);
        JsonNode document = awaitDocument(RESULTS.resolve("jepa-scores/uploads/new arrivals/boot.png@" + md5(image) + ".json"));
        assertEquals("scored", document.path("outcome").asText());
        assertEquals("local-poll", document.path("object").path("format").asText());
        assertEquals(onDemandScore(image), document.path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void non_image_copied_into_uploads_gets_a_failure_document() throws Exception {
        byte[] text = "not an image".getBytes();
        copyIn("junk.png", text);
        JsonNode document = awaitDocument(RESULTS.resolve("jepa-scores/uploads/junk.png@" + md5(text) + ".json"));
        assertEquals("failed", document.path("outcome").asText());
        assertEquals("not_an_image", document.path("error").path("code").asText());
    }

    @Test
    void replaced_file_gets_a_new_document_and_results_are_never_rescored() throws Exception {
        byte[] v1 = png(41);
        byte[] v2 = png(42);
        copyIn("swap.png", v1);
        awaitDocument(RESULTS.resolve("jepa-scores/uploads/swap.png@" + md5(v1) + ".json"));
        Thread.sleep(20); // a different modification time
        copyIn("swap.png", v2);
        awaitDocument(RESULTS.resolve("jepa-scores/uploads/swap.png@" + md5(v2) + ".json"));
        Thread.sleep(1000); // several polls
        try (Stream<Path> files = Files.walk(RESULTS.resolve("jepa-scores/uploads"))) {
            List<String> documents = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("swap.png")).sorted().toList();
            assertEquals(2, documents.size(), documents::toString);
            assertTrue(documents.stream().noneMatch(n -> n.contains(".json@")), "a result document was scored");
        }
    }

    @Test
    void file_whose_event_came_first_is_scored_by_the_watcher_and_redelivery_is_a_duplicate() throws Exception {
        byte[] image = png(63);
        byte[] event = s3Event("uploads", "early/hat.png", md5(image), image.length);
        post("/onObjectCreated", event).statusCode(503).body("error.code", equalTo("object_not_found"));

        copyIn("early/hat.png", image);
        JsonNode document = awaitDocument(RESULTS.resolve("jepa-scores/uploads/early/hat.png@" + md5(image) + ".json"));
        assertEquals("scored", document.path("outcome").asText());
        // the redelivery answers the score the watcher recorded, which is the image's own on-demand score
        double recorded = json(post("/onObjectCreated", event).statusCode(200)
                .body("objects[0].outcome", equalTo("duplicate"))
                .extract().asString()).path("objects").path(0).path("jepaScore").asDouble();
        assertEquals(document.path("jepaScore").asDouble(), recorded, 1e-9);
        assertEquals(onDemandScore(image), recorded, 1e-9);
    }

    @Test
    void file_still_being_written_in_place_is_scored_only_once_complete() throws Exception {
        byte[] image = png(64);
        Path target = UPLOADS.resolve("slow copy/dress.png");
        Files.createDirectories(target.getParent());
        // written in place in pieces faster than the 200 ms polls, like a slow copy
        try (var out = Files.newOutputStream(target)) {
            for (int at = 0; at < image.length; at += 16) {
                out.write(image, at, Math.min(16, image.length - at));
                out.flush();
                Thread.sleep(60);
            }
        }
        JsonNode document = awaitDocument(RESULTS.resolve("jepa-scores/uploads/slow copy/dress.png@" + md5(image) + ".json"));
        assertEquals("scored", document.path("outcome").asText());
        Thread.sleep(600);
        try (Stream<Path> files = Files.walk(RESULTS.resolve("jepa-scores/uploads/slow copy"))) {
            List<String> documents = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of("dress.png@" + md5(image) + ".json"), documents, "a partial file was recorded");
        }
    }
}
