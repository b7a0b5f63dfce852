package dev.jepascore.action;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.testing.HttpSink;
import dev.jepascore.testing.HttpSinkResource;
import dev.jepascore.testing.S3MockResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Actions through S3 events against a real S3 server that implements object tagging (S3Mock, a separate process):
 * the verdict's tags merged with the object's own, the quarantine copy with its tags, a tag set that would pass S3's
 * limit, a quarantine bucket that does not exist.
 */
@QuarkusTest
@TestProfile(S3ActionsTest.Profile.class)
@QuarkusTestResource(value = S3MockResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = HttpSinkResource.class, restrictToAnnotatedClass = true)
class S3ActionsTest {

    private static final Logger LOG = Logger.getLogger(S3ActionsTest.class);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "jepa.actions.uploads.tag", "true",
                    "jepa.actions.uploads.notify.min-label", "outlier",
                    "jepa.actions.uploads.notify.url", "${jepa.test.sink.url}",
                    "jepa.actions.uploads.quarantine.bucket", "held",
                    "jepa.actions.uploads.quarantine.prefix", "uploads/",
                    "jepa.actions.nohold-src.quarantine.bucket", "no-such-bucket");
        }
    }

    @BeforeEach
    void sinkUp() {
        HttpSink.clear();
    }

    private static void upload(S3Client s3, String bucket, String key, byte[] bytes, Map<String, String> tags) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("image/png").tagging(
                software.amazon.awssdk.services.s3.model.Tagging.builder().tagSet(tags.entrySet().stream()
                        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build()),
                RequestBody.fromBytes(bytes));
    }

    private static Map<String, String> tags(S3Client s3, String bucket, String key) {
        Map<String, String> tags = new LinkedHashMap<>();
        s3.getObjectTagging(b -> b.bucket(bucket).key(key)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    private static JsonNode deliver(String bucket, String key, byte[] bytes, int status) {
        return json(post("/onObjectCreated", s3Event(bucket, key, md5(bytes), bytes.length)).statusCode(status)
                .extract().asString()).path("objects").path(0);
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
    void scored_object_is_tagged_with_its_verdict_and_keeps_its_own_tags() {
        byte[] image = LocalActionsTest.fixture("test-00000");
        try (S3Client s3 = S3MockResource.client()) {
            upload(s3, "uploads", "shirts/white shirt.png", image, Map.of("owner", "alice"));
            JsonNode line = deliver("uploads", "shirts/white shirt.png", image, 200);
            assertEquals("done", action(line, "tag").path("status").asText(), line.toString());
            Map<String, String> tags = tags(s3, "uploads", "shirts/white shirt.png");
            LOG.infof("tags of uploads/shirts/white shirt.png: %s", tags);
            assertEquals("alice", tags.get("owner"));
            assertEquals("typical", tags.get("jepa-label"));
            JsonNode document = json(s3.getObjectAsBytes(b -> b.bucket("uploads").key(line.path("resultKey").asText()))
                    .asUtf8String());
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", document.path("outlierPercentile").asDouble()),
                    tags.get("jepa-outlier-pct"));
            assertEquals("tag", document.path("actions").path(0).path("type").asText(), "recorded in the document");
            assertEquals("fmnist-lejepa", tags.get("jepa-model"));
            assertEquals(4, tags.size());
            assertTrue(HttpSink.received().isEmpty(), "typical: nothing sent");
        }
    }

    @Test
    void outlier_is_tagged_sent_and_quarantined_with_its_tags() {
        byte[] image = LocalActionsTest.fixture("odd-photo-patch");
        try (S3Client s3 = S3MockResource.client()) {
            upload(s3, "uploads", "shirts/patch.png", image, Map.of());
            JsonNode line = deliver("uploads", "shirts/patch.png", image, 200);
            for (String type : List.of("tag", "notify", "quarantine")) {
                assertEquals("done", action(line, type).path("status").asText(), type + " in " + line);
            }
            assertEquals("outlier", tags(s3, "uploads", "shirts/patch.png").get("jepa-label"));
            assertArrayEquals(image, s3.getObjectAsBytes(b -> b.bucket("held").key("uploads/shirts/patch.png"))
                    .asByteArray());
            assertEquals("outlier", tags(s3, "held", "uploads/shirts/patch.png").get("jepa-label"),
                    "the copy keeps the tags written before it");
            assertEquals(1, HttpSink.accepted().size());
            LOG.infof("flagged event: %s", HttpSink.accepted().get(0));
        }
    }

    @Test
    void tag_set_beyond_the_s3_limit_is_recorded_failed_and_completed_once_room_is_made() {
        byte[] image = LocalActionsTest.fixture("test-00001");
        Map<String, String> nine = new LinkedHashMap<>();
        for (int i = 1; i <= 9; i++) {
            nine.put("t" + i, "v" + i);
        }
        try (S3Client s3 = S3MockResource.client()) {
            upload(s3, "uploads", "full/tags.png", image, nine);
            JsonNode line = deliver("uploads", "full/tags.png", image, 200);
            assertEquals("scored", line.path("outcome").asText());
            JsonNode tag = action(line, "tag");
            assertEquals("failed", tag.path("status").asText(), line.toString());
            assertEquals("too_many_tags", tag.path("error").path("code").asText());
            assertEquals(nine, tags(s3, "uploads", "full/tags.png"), "the object's own tags are untouched");

            s3.putObjectTagging(b -> b.bucket("uploads").key("full/tags.png")
                    .tagging(t -> t.tagSet(Tag.builder().key("t1").value("v1").build())));
            JsonNode again = deliver("uploads", "full/tags.png", image, 200);
            assertEquals("duplicate", again.path("outcome").asText());
            assertEquals("done", action(again, "tag").path("status").asText(), again.toString());
            assertEquals("typical", tags(s3, "uploads", "full/tags.png").get("jepa-label"));
        }
    }

    @Test
    void missing_quarantine_bucket_keeps_the_score_and_records_the_error() {
        byte[] image = LocalActionsTest.fixture("odd-all-white");
        try (S3Client s3 = S3MockResource.client()) {
            upload(s3, "nohold-src", "w.png", image, Map.of());
            JsonNode line = deliver("nohold-src", "w.png", image, 200);
            assertEquals("scored", line.path("outcome").asText());
            JsonNode quarantine = action(line, "quarantine");
            assertEquals("failed", quarantine.path("status").asText(), line.toString());
            assertEquals("bucket_not_found", quarantine.path("error").path("code").asText(), line.toString());
            JsonNode document = json(s3.getObjectAsBytes(b -> b.bucket("nohold-src").key(line.path("resultKey")
                    .asText())).asUtf8String());
            assertEquals(line.path("jepaScore").asDouble(), document.path("jepaScore").asDouble(), 0.0);
            assertEquals("failed", action(document, "quarantine").path("status").asText());
        }
    }
}
