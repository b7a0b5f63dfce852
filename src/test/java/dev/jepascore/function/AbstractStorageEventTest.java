package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static dev.jepascore.testing.EventTestSupport.sample;
import static dev.jepascore.testing.EventTestSupport.sampleFor;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The storage-event scenarios every store must pass, end to end through the HTTP endpoints: the local store
 * ({@link LocalStorageEventTest}) and a real S3 server ({@link S3StorageEventTest}) each say how an object is uploaded
 * and where its result documents are; the scenarios only speak of keys, version tags and documents.
 */
abstract class AbstractStorageEventTest {

    /** The bucket the events name ({@code uploads} in both stores). */
    static final String BUCKET = "uploads";

    /** Puts {@code bytes} at {@code key} of {@link #BUCKET}, as a user's upload would. */
    abstract void upload(String key, byte[] bytes) throws IOException;

    /** The result document the function answered as {@code resultKey}. */
    abstract JsonNode document(String resultKey) throws IOException;

    /** The result keys (as the function answers them) of the objects whose key starts with {@code keyPrefix}. */
    abstract List<String> results(String keyPrefix) throws IOException;

    /** The result key of version {@code tag} of {@code key}, as this store names it. */
    abstract String resultKey(String key, String tag);

    /** Fails if the store holds anything whose name contains {@code fragment} (outside the bucket, or in it). */
    abstract void assertNothingWritten(String fragment) throws IOException;

    @ParameterizedTest(name = "{0} via {2}")
    @CsvSource(delimiter = '|', value = {
            "aws-s3-put.json                    | shirts/red shirt (2).png         | /onObjectCreated",
            "minio-put.json                     | scans/2026/11/shoe \u00fc+1.png  | /onObjectCreated",
            "ceph-rgw-put.json                  | raw keys/coat+hood.png           | /onObjectCreated",
            "eventbridge-object-created.json    | bags/tote bag.png                | /onObjectCreated",
            "gcs-finalized-structured.json      | dresses/summer dress.png         | /onObjectCreated",
            "gcs-finalized-binary-body.json     | sneakers/pair-1.png              | /onObjectCreated",
            "azure-blob-created-cloudevent.json | knitwear/jumper #3.png           | /v1/events",
            "azure-blob-created-eventgrid.json  | knitwear/scarf.png               | /onObjectCreated",
    })
    void each_event_format_scores_the_object_with_the_on_demand_score(String sample, String key, String path)
            throws IOException {
        byte[] image = png(sample.hashCode() + 3);
        upload(key, image);
        JsonNode answer = json(post(path, sampleFor(sample, image)).statusCode(200).body("objects", hasSize(1))
                .body("objects[0].outcome", equalTo("scored"))
                .body("objects[0].object.key", equalTo(key))
                .extract().asString()).path("objects").path(0);
        JsonNode document = document(answer.path("resultKey").asText());
        assertEquals("scored", document.path("outcome").asText());
        assertEquals(key, document.path("object").path("key").asText());
        assertEquals(onDemandScore(image), document.path("jepaScore").asDouble(), 0.0,
                "result document score must equal the on-demand score of the same bytes");
        assertEquals(document.path("jepaScore").asDouble(), answer.path("jepaScore").asDouble(), 0.0,
                "the event's answer carries the recorded score");
    }

    @Test
    void gcs_binary_mode_cloudevent_is_scored_through_v1_events() throws IOException {
        byte[] image = png(42);
        upload("binary/pair-1.png", image);
        String resultKey = given().contentType("application/json")
                .header("ce-specversion", "1.0")
                .header("ce-type", "google.cloud.storage.object.v1.finalized")
                .header("ce-source", "//storage.googleapis.com/projects/_/buckets/uploads")
                .header("ce-subject", "objects/binary/pair-1.png")
                .header("ce-id", "1234567890")
                .body("{\"bucket\": \"uploads\", \"name\": \"binary/pair-1.png\", \"generation\": \"17\", \"size\": \""
                        + image.length + "\"}")
                .when().post("/v1/events").then().statusCode(200)
                .body("objects[0].outcome", equalTo("scored"))
                .body("objects[0].object.versionTag", equalTo("17"))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals(resultKey("binary/pair-1.png", "17"), resultKey);
        assertEquals(onDemandScore(image), document(resultKey).path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void duplicate_delivery_writes_one_document() throws IOException {
        byte[] image = png(7);
        String key = "dup/shoe.png";
        upload(key, image);
        byte[] event = s3Event(BUCKET, key, md5(image), image.length);

        String first = post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals(resultKey(key, md5(image)), first);
        String written = document(first).path("recordedAt").asText();
        String again = post("/onObjectCreated", event).statusCode(200)
                .body("objects[0].outcome", equalTo("duplicate"))
                .body("objects[0].resultKey", equalTo(first))
                .extract().asString();
        assertEquals(document(first).path("jepaScore").asDouble(),
                json(again).path("objects").path(0).path("jepaScore").asDouble(), 0.0, "the stored score is returned");
        post("/v1/events", event).statusCode(200).body("objects[0].outcome", equalTo("duplicate"));

        assertEquals(List.of(first), results("dup/"));
        assertEquals(written, document(first).path("recordedAt").asText(), "the stored document was not rewritten");
    }

    @Test
    void event_for_a_replaced_object_records_nothing_under_its_tag_and_scores_the_version_read() throws IOException {
        String key = "replaced/coat.png";
        byte[] a = png(31);
        byte[] b = png(32);
        upload(key, a);
        upload(key, b); // a second upload before the first one's event is handled
        byte[] eventA = s3Event(BUCKET, key, md5(a), a.length);
        String documentB = resultKey(key, md5(b));

        JsonNode first = json(post("/onObjectCreated", eventA).statusCode(200)
                .body("objects[0].outcome", equalTo("superseded"))
                .body("objects[0].object.versionTag", equalTo(md5(a)))
                .body("objects[0].current.outcome", equalTo("scored"))
                .body("objects[0].current.object.versionTag", equalTo(md5(b)))
                .body("objects[0].current.object.size", equalTo(b.length))
                .body("objects[0].current.resultKey", equalTo(documentB))
                .extract().asString()).path("objects").path(0);
        assertFalse(first.has("jepaScore"), "the named version was not scored: " + first);
        assertFalse(first.has("resultKey"), "no document belongs to the named version: " + first);
        assertEquals(List.of(documentB), results("replaced/coat"), "nothing may be recorded under the replaced tag");
        double scoreB = onDemandScore(b);
        assertEquals(scoreB, document(documentB).path("jepaScore").asDouble(), 0.0,
                "the document of the version read holds the on-demand score of its bytes");
        assertEquals(md5(b), document(documentB).path("object").path("versionTag").asText());
        assertEquals(scoreB, first.path("current").path("jepaScore").asDouble(), 0.0);
        String written = document(documentB).path("recordedAt").asText();

        post("/onObjectCreated", s3Event(BUCKET, key, md5(b), b.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("duplicate"))
                .body("objects[0].resultKey", equalTo(documentB));
        JsonNode again = json(post("/onObjectCreated", eventA).statusCode(200)
                .body("objects[0].outcome", equalTo("superseded"))
                .body("objects[0].current.outcome", equalTo("duplicate"))
                .body("objects[0].current.resultKey", equalTo(documentB))
                .extract().asString()).path("objects").path(0);
        assertFalse(again.has("jepaScore"), "a redelivery must not claim the replaced version was scored: " + again);
        assertEquals(List.of(documentB), results("replaced/coat"));
        assertEquals(written, document(documentB).path("recordedAt").asText(), "scored once, never rewritten");
    }

    @Test
    void object_that_is_not_an_image_gets_a_failure_document() throws IOException {
        String key = "bad/notes.png";
        byte[] text = "these are not pixels".getBytes();
        upload(key, text);
        String resultKey = post("/onObjectCreated", s3Event(BUCKET, key, md5(text), text.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("failed"))
                .body("objects[0].error.code", equalTo("not_an_image"))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals(resultKey(key, md5(text)), resultKey);
        JsonNode document = document(resultKey);
        assertEquals("failed", document.path("outcome").asText());
        assertEquals("not_an_image", document.path("error").path("code").asText());
        assertFalse(document.has("jepaScore"));
    }

    @Test
    void event_before_its_object_is_answered_retriably_and_redelivery_scores_it() throws IOException {
        String key = "early/glyph.png";
        byte[] image = png(61);
        byte[] event = s3Event(BUCKET, key, md5(image), image.length);
        post("/onObjectCreated", event).statusCode(503).header("Retry-After", equalTo("2"))
                .body("error.code", equalTo("object_not_found"));
        assertEquals(List.of(), results("early/"), "nothing may be recorded for an object that is not there yet");

        upload(key, image);
        String resultKey = post("/onObjectCreated", event).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals(onDemandScore(image), document(resultKey).path("jepaScore").asDouble(), 0.0);
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("duplicate"));
    }

    @Test
    void results_prefix_is_never_scored() throws IOException {
        upload("jepa-scores/loop.png", png(5));
        post("/onObjectCreated", s3Event(BUCKET, "jepa-scores/loop.png", md5(png(5)), 10)).statusCode(200)
                .body("objects[0].outcome", equalTo("skipped"));
        assertTrue(results("jepa-scores/loop").stream().noneMatch(k -> k.endsWith(".json")),
                "a document was written for an object under the results prefix");
    }

    @Test
    void key_that_tries_to_escape_the_bucket_is_400_and_nothing_is_written() throws IOException {
        post("/onObjectCreated", sample("s3-escaping-key.json")).statusCode(400)
                .body("error.code", equalTo("unsafe_object_key"));
        post("/onObjectCreated", s3Event(BUCKET, "/etc/passwd", md5(new byte[0]), 1)).statusCode(400)
                .body("error.code", equalTo("unsafe_object_key"));
        post("/onObjectCreated", s3Event("..", "x.png", md5(new byte[0]), 1)).statusCode(400)
                .body("error.code", equalTo("unsafe_bucket_name"));
        assertNothingWritten("passwd");
    }
}
