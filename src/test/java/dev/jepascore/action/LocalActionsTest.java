package dev.jepascore.action;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.function.Fixtures;
import dev.jepascore.testing.HttpSink;
import dev.jepascore.testing.HttpSinkResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Actions through storage events against the local store and a real HTTP sink: the flagged-object CloudEvent and the
 * quarantine copy (the local store has no object tags), their record in the result document, and what redelivery
 * does after a failure.
 */
@QuarkusTest
@TestProfile(LocalActionsTest.Profile.class)
@QuarkusTestResource(value = HttpSinkResource.class, restrictToAnnotatedClass = true)
class LocalActionsTest {

    private static final Path ROOT = Path.of("target/test-data");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("jepa.storage.buckets", "uploads,inbox,strict,moving"),
                    Map.entry("jepa.actions.inbox.notify.min-label", "unusual"),
                    Map.entry("jepa.actions.inbox.notify.url", "${jepa.test.sink.url}"),
                    Map.entry("jepa.actions.inbox.notify.attempts", "2"),
                    Map.entry("jepa.actions.inbox.notify.initial-backoff", "20ms"),
                    Map.entry("jepa.actions.inbox.notify.timeout", "1s"),
                    Map.entry("jepa.actions.inbox.quarantine.bucket", "held"),
                    Map.entry("jepa.actions.inbox.quarantine.prefix", "from-inbox/"),
                    Map.entry("jepa.actions.strict.quarantine.bucket", "strict-held"),
                    Map.entry("jepa.actions.strict.quarantine.min-label", "unusual"),
                    Map.entry("jepa.actions.moving.quarantine.bucket", "moving"),
                    Map.entry("jepa.actions.moving.quarantine.prefix", "quarantine/"),
                    Map.entry("jepa.actions.moving.quarantine.delete-original", "true"));
        }
    }

    @BeforeAll
    static void emptyBuckets() throws IOException {
        // the buckets and their documents in the results location of its own (jepa-results/jepa-scores/<bucket>/)
        for (String bucket : List.of("inbox", "held", "strict", "strict-held", "moving", "jepa-results/jepa-scores/inbox",
                "jepa-results/jepa-scores/strict", "jepa-results/jepa-scores/moving")) {
            Path dir = ROOT.resolve(bucket);
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        for (String bucket : List.of("inbox", "held", "strict", "moving")) {
            Files.createDirectories(ROOT.resolve(bucket));
        }
    }

    @BeforeEach
    void sinkUp() {
        HttpSink.clear();
    }

    static byte[] fixture(String name) {
        return Fixtures.all().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().png();
    }

    private static void upload(String bucket, String key, byte[] bytes) throws IOException {
        Path file = ROOT.resolve(bucket).resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static JsonNode deliver(String bucket, String key, byte[] bytes, int status) {
        return json(post("/onObjectCreated", s3Event(bucket, key, md5(bytes), bytes.length)).statusCode(status)
                .extract().asString());
    }

    private static JsonNode document(String bucket, JsonNode line) throws IOException {
        return json(Files.readString(ROOT.resolve(line.path("resultBucket").asText()).resolve(line.path("resultKey").asText())));
    }

    private static JsonNode action(JsonNode holder, String type) {
        for (JsonNode a : holder.path("actions")) {
            if (a.path("type").asText().equals(type)) {
                return a;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void outlier_is_sent_as_a_flagged_cloudevent_and_copied_to_quarantine() throws IOException {
        byte[] image = fixture("odd-uniform-noise");
        upload("inbox", "cam/noise 1.png", image);
        JsonNode line = deliver("inbox", "cam/noise 1.png", image, 200).path("objects").path(0);
        assertEquals("scored", line.path("outcome").asText());
        assertEquals("outlier", line.path("label").asText());
        assertEquals("done", action(line, "notify").path("status").asText(), line.toString());
        assertEquals("done", action(line, "quarantine").path("status").asText(), line.toString());

        JsonNode document = document("inbox", line);
        assertEquals(line.path("jepaScore").asDouble(), document.path("jepaScore").asDouble(), 0.0);
        assertEquals("done", action(document, "notify").path("status").asText(), document.toString());
        assertTrue(action(document, "notify").path("at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));

        List<Map<String, String>> sent = HttpSink.accepted();
        assertEquals(1, sent.size(), sent.toString());
        Map<String, String> event = sent.get(0);
        assertEquals("dev.jepascore.object.flagged", event.get("ce-type"));
        assertEquals("1.0", event.get("ce-specversion"));
        assertEquals("inbox/cam/noise 1.png", event.get("ce-subject"));
        assertEquals("/jepa-score", event.get("ce-source"));
        JsonNode data = json(event.get("body"));
        assertEquals("outlier", data.path("label").asText());
        assertEquals(document.path("jepaScore").asDouble(), data.path("jepaScore").asDouble(), 0.0);
        assertEquals(line.path("resultKey").asText(), data.path("resultKey").asText());

        assertArrayEquals(image, Files.readAllBytes(ROOT.resolve("held/from-inbox/cam/noise 1.png")),
                "the quarantine copy holds the object's bytes");
        assertTrue(Files.exists(ROOT.resolve("inbox/cam/noise 1.png")), "the original stays without delete-original");
    }

    @Test
    void typical_object_gets_no_action() throws IOException {
        byte[] image = fixture("test-00000");
        upload("inbox", "cam/shirt.png", image);
        JsonNode line = deliver("inbox", "cam/shirt.png", image, 200).path("objects").path(0);
        assertEquals("typical", line.path("label").asText());
        assertTrue(line.path("actions").isMissingNode(), line.toString());
        assertTrue(document("inbox", line).path("actions").isMissingNode());
        assertTrue(HttpSink.received().isEmpty(), HttpSink.received().toString());
        assertFalse(Files.exists(ROOT.resolve("held/from-inbox/cam/shirt.png")));
    }

    @Test
    void unusual_object_is_sent_but_not_quarantined_below_the_quarantine_label() throws IOException {
        byte[] image = fixture("odd-glyph-7");
        upload("inbox", "cam/glyph.png", image);
        JsonNode line = deliver("inbox", "cam/glyph.png", image, 200).path("objects").path(0);
        assertEquals("unusual", line.path("label").asText());
        assertEquals("done", action(line, "notify").path("status").asText());
        assertTrue(action(line, "quarantine").isMissingNode(), line.toString());
        assertEquals(1, HttpSink.accepted().size());
    }

    @Test
    void redelivery_after_the_sink_was_down_sends_the_event_exactly_once() throws IOException {
        byte[] image = fixture("odd-all-black");
        upload("inbox", "cam/black.png", image);
        HttpSink.answer(503, 0);
        JsonNode failed = deliver("inbox", "cam/black.png", image, 503);
        assertEquals("action_failed", failed.path("error").path("code").asText(), failed.toString());
        assertEquals(2, HttpSink.received().size(), "both configured attempts reached the sink");
        assertTrue(HttpSink.accepted().isEmpty());

        // the results location of its own (jepa.storage.results-bucket unset: the local store's jepa-results)
        String resultKey = "jepa-scores/inbox/cam/black.png@" + md5(image) + ".json";
        JsonNode kept = json(Files.readString(ROOT.resolve("jepa-results").resolve(resultKey)));
        assertEquals("outlier", kept.path("label").asText(), "the score and document are kept");
        JsonNode notify = action(kept, "notify");
        org.jboss.logging.Logger.getLogger(LocalActionsTest.class).infof("recorded while the sink was down: %s", notify);
        assertEquals("failed", notify.path("status").asText(), kept.toString());
        assertEquals("sink_unavailable", notify.path("error").path("code").asText());
        assertTrue(notify.path("error").path("message").asText().contains("HTTP 503"), notify.toString());
        JsonNode quarantine = action(kept, "quarantine");
        assertEquals("done", quarantine.path("status").asText(), "the other action is not held back");

        HttpSink.answer(202, 0);
        JsonNode redelivered = deliver("inbox", "cam/black.png", image, 200).path("objects").path(0);
        assertEquals("duplicate", redelivered.path("outcome").asText(), "nothing is rescored");
        assertEquals("done", action(redelivered, "notify").path("status").asText());
        assertEquals(quarantine.path("at"), action(redelivered, "quarantine").path("at"), "a done action is not redone");
        assertEquals(1, HttpSink.accepted().size());

        deliver("inbox", "cam/black.png", image, 200);
        assertEquals(1, HttpSink.accepted().size(), "a further delivery sends nothing more");
        assertEquals(kept.path("recordedAt"), json(Files.readString(ROOT.resolve("jepa-results").resolve(resultKey)))
                .path("recordedAt"), "the score was never recomputed");
    }

    @Test
    void slow_sink_is_recorded_as_failed_and_retried() throws IOException {
        byte[] image = fixture("odd-all-white");
        upload("inbox", "cam/white.png", image);
        HttpSink.answer(202, 2500); // beyond notify.timeout=1s
        JsonNode failed = deliver("inbox", "cam/white.png", image, 503);
        assertTrue(failed.path("error").path("message").asText().contains("HttpTimeoutException"), failed.toString());
        HttpSink.answer(202, 0);
        JsonNode line = deliver("inbox", "cam/white.png", image, 200).path("objects").path(0);
        assertEquals("done", action(line, "notify").path("status").asText(), line.toString());
    }

    @Test
    void missing_quarantine_bucket_keeps_the_score_and_is_completed_once_it_exists() throws IOException {
        byte[] image = fixture("odd-checkerboard");
        upload("strict", "in/checks.png", image);
        JsonNode line = deliver("strict", "in/checks.png", image, 200).path("objects").path(0);
        assertEquals("scored", line.path("outcome").asText(), "a missing bucket does not pass by itself: no 503");
        JsonNode quarantine = action(document("strict", line), "quarantine");
        assertEquals("failed", quarantine.path("status").asText());
        assertEquals("bucket_not_found", quarantine.path("error").path("code").asText());
        assertTrue(quarantine.path("error").path("message").asText().contains("strict-held"));

        Files.createDirectories(ROOT.resolve("strict-held"));
        JsonNode again = deliver("strict", "in/checks.png", image, 200).path("objects").path(0);
        assertEquals("duplicate", again.path("outcome").asText());
        assertEquals("done", action(again, "quarantine").path("status").asText(), again.toString());
        assertArrayEquals(image, Files.readAllBytes(ROOT.resolve("strict-held/in/checks.png")));
    }

    @Test
    void delete_original_moves_the_object_and_the_copy_is_never_scored() throws IOException {
        byte[] image = fixture("odd-mid-gray");
        upload("moving", "x/gray.png", image);
        JsonNode line = deliver("moving", "x/gray.png", image, 200).path("objects").path(0);
        assertEquals("done", action(line, "quarantine").path("status").asText(), line.toString());
        assertFalse(Files.exists(ROOT.resolve("moving/x/gray.png")), "the original is deleted");
        assertArrayEquals(image, Files.readAllBytes(ROOT.resolve("moving/quarantine/x/gray.png")));

        JsonNode copy = deliver("moving", "quarantine/x/gray.png", image, 200).path("objects").path(0);
        assertEquals("skipped", copy.path("outcome").asText(), "the quarantine prefix is never scored");
    }
}
