package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemand;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Storage events end to end through the HTTP endpoints against the embedded default store: bucket {@code uploads}
 * is the directory {@code target/test-data/uploads} ({@code %test.jepa.storage.local.root}).
 */
@QuarkusTest
class LocalStorageEventTest {

    private static final Path ROOT = Path.of("target/test-data");
    private static final Path UPLOADS = ROOT.resolve("uploads");
    /** The local store's results directory of its own: documents of bucket uploads are under jepa-scores/uploads/. */
    private static final Path RESULTS = ROOT.resolve("jepa-results");

    @BeforeAll
    static void emptyUploads() throws IOException {
        for (Path dir : List.of(UPLOADS, RESULTS.resolve("jepa-scores/uploads"))) {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        Files.createDirectories(UPLOADS);
    }

    private static void upload(String key, byte[] bytes) throws IOException {
        Path file = UPLOADS.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static JsonNode document(String resultKey) throws IOException {
        return json(Files.readString(RESULTS.resolve(resultKey)));
    }

    private static List<String> results(String keyPrefix) throws IOException {
        Path dir = RESULTS.resolve("jepa-scores/uploads");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(k -> k.startsWith(keyPrefix)).sorted().toList();
        }
    }

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
    void each_event_format_scores_the_local_file_with_the_on_demand_score(String sample, String key, String path)
            throws IOException {
        byte[] image = png(sample.hashCode() + 3);
        upload(key, image);
        JsonNode answer = json(post(path, sampleFor(sample, image)).statusCode(200).body("objects", hasSize(1))
                .body("objects[0].outcome", equalTo("scored"))
                .body("objects[0].object.key", equalTo(key))
                .extract().asString()).path("objects").path(0);
        JsonNode document = document(answer.path("resultKey").asText());
        assertEquals(key, document.path("object").path("key").asText());
        assertEquals(onDemandScore(image), document.path("jepaScore").asDouble(), 0.0,
                "result document score must equal the on-demand score of the same bytes");
    }

    @Test
    void result_document_holds_the_verdict_of_the_on_demand_answer() throws IOException {
        byte[] image = png(5);
        upload("verdict/shirt.png", image);
        JsonNode answer = json(post("/onObjectCreated", s3Event("uploads", "verdict/shirt.png", md5(image), image.length))
                .statusCode(200).extract().asString()).path("objects").path(0);
        JsonNode document = document(answer.path("resultKey").asText());
        JsonNode onDemand = onDemand(image);
        for (String field : new String[] { "outlierScore", "outlierPercentile", "label" }) {
            assertEquals(onDemand.path(field), document.path(field), field);
        }
        assertEquals(onDemand.path("reasons"), document.path("reasons"));
        assertEquals(onDemand.path("signals"), document.path("signals"));
        assertTrue(document.path("signals").path("knn").path("distance").isNumber(), document.toString());
        assertTrue(document.path("signals").path("mahalanobis").path("percentile").isNumber(), document.toString());
        assertEquals(document.path("outlierScore").asDouble(), answer.path("outlierScore").asDouble(), 0.0,
                "the event's summary line carries the outlier score");
    }

    @Test
    void gcs_binary_mode_cloudevent_is_scored_through_v1_events() throws IOException {
        byte[] image = png(77);
        upload("binary/ce.png", image);
        String body = given().contentType("application/json")
                .header("ce-specversion", "1.0")
                .header("ce-type", "google.cloud.storage.object.v1.finalized")
                .header("ce-source", "//storage.googleapis.com/projects/_/buckets/uploads")
                .header("ce-subject", "objects/binary/ce.png")
                .header("ce-id", "42")
                .body("{\"bucket\": \"uploads\", \"name\": \"binary/ce.png\", \"generation\": \"17\", \"size\": \""
                        + image.length + "\"}")
                .when().post("/v1/events").then().statusCode(200)
                .body("objects[0].outcome", equalTo("scored"))
                .extract().asString();
        assertEquals("jepa-scores/uploads/binary/ce.png@17.json", json(body).path("objects").path(0).path("resultKey").asText());
        assertEquals(onDemandScore(image), document("jepa-scores/uploads/binary/ce.png@17.json").path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void duplicate_delivery_writes_one_document() throws IOException {
        byte[] image = png(8);
        upload("dup/bag.png", image);
        byte[] event = s3Event("uploads", "dup/bag.png", md5(image), image.length);
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"));
        String before = Files.readString(RESULTS.resolve("jepa-scores/uploads/dup/bag.png@" + md5(image) + ".json"));
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("duplicate"));
        assertEquals(List.of("dup/bag.png@" + md5(image) + ".json"), results("dup/"));
        assertEquals(before, Files.readString(RESULTS.resolve("jepa-scores/uploads/dup/bag.png@" + md5(image) + ".json")));
    }

    @Test
    void event_for_a_replaced_file_records_nothing_under_its_etag_and_scores_the_file_as_it_is() throws IOException {
        byte[] a = png(35);
        byte[] b = png(36);
        upload("replaced/hat.png", a);
        upload("replaced/hat.png", b);
        byte[] eventA = s3Event("uploads", "replaced/hat.png", md5(a), a.length);
        post("/onObjectCreated", eventA).statusCode(200)
                .body("objects[0].outcome", equalTo("superseded"))
                .body("objects[0].current.outcome", equalTo("scored"))
                .body("objects[0].current.object.versionTag", equalTo(md5(b)));
        assertEquals(List.of("replaced/hat.png@" + md5(b) + ".json"), results("replaced/"));
        assertEquals(onDemandScore(b), document("jepa-scores/uploads/replaced/hat.png@" + md5(b) + ".json")
                .path("jepaScore").asDouble(), 0.0);
        post("/onObjectCreated", s3Event("uploads", "replaced/hat.png", md5(b), b.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("duplicate"));
        post("/onObjectCreated", eventA).statusCode(200)
                .body("objects[0].outcome", equalTo("superseded"))
                .body("objects[0].current.outcome", equalTo("duplicate"));
        assertEquals(List.of("replaced/hat.png@" + md5(b) + ".json"), results("replaced/"));
    }

    @Test
    void event_without_version_tag_uses_the_content_md5_and_is_still_idempotent() throws IOException {
        byte[] image = png(9);
        upload("untagged/cap.png", image);
        byte[] event = ("{\"Records\":[{\"eventSource\":\"minio:s3\",\"eventName\":\"s3:ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"uploads\"},\"object\":{\"key\":\"untagged%2Fcap.png\"}}}]}").getBytes();
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"))
                .body("objects[0].object.versionTag", equalTo(md5(image)));
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("duplicate"));
        assertEquals(List.of("untagged/cap.png@" + md5(image) + ".json"), results("untagged/"));
    }

    @Test
    void object_that_is_not_an_image_gets_a_failure_document() throws IOException {
        byte[] text = "plain text, not pixels".getBytes();
        upload("bad/readme.png", text);
        post("/onObjectCreated", s3Event("uploads", "bad/readme.png", md5(text), text.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("failed"))
                .body("objects[0].error.code", equalTo("not_an_image"));
        JsonNode document = document("jepa-scores/uploads/bad/readme.png@" + md5(text) + ".json");
        assertEquals("failed", document.path("outcome").asText());
        assertEquals("not_an_image", document.path("error").path("code").asText());
    }

    @Test
    void object_not_found_document_of_an_earlier_release_does_not_make_redelivery_a_duplicate() throws IOException {
        byte[] image = png(64);
        String resultKey = "jepa-scores/uploads/late/coat.png@" + md5(image) + ".json";
        Files.createDirectories(RESULTS.resolve(resultKey).getParent());
        Files.write(RESULTS.resolve(resultKey), """
                {"object": {"bucket": "uploads", "key": "late/coat.png"}, "outcome": "failed",
                 "error": {"code": "object_not_found", "message": "Object 'late/coat.png' does not exist"}}
                """.getBytes());
        upload("late/coat.png", image);
        post("/onObjectCreated", s3Event("uploads", "late/coat.png", md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"));
        assertEquals(onDemandScore(image), document(resultKey).path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void key_that_tries_to_escape_the_bucket_is_400_and_nothing_outside_is_touched() throws IOException {
        post("/onObjectCreated", sample("s3-escaping-key.json")).statusCode(400)
                .body("error.code", equalTo("unsafe_object_key"));
        post("/onObjectCreated", s3Event("uploads", "/etc/passwd", md5(new byte[0]), 1)).statusCode(400)
                .body("error.code", equalTo("unsafe_object_key"));
        post("/onObjectCreated", s3Event("..", "x.png", md5(new byte[0]), 1)).statusCode(400)
                .body("error.code", equalTo("unsafe_bucket_name"));
        assertFalse(Files.exists(ROOT.resolve("etc")));
        assertFalse(Files.exists(Path.of("target/etc")));
    }

    @Test
    void empty_or_non_json_body_is_400_with_json_error() {
        given().contentType("application/json").body("").when().post("/onObjectCreated").then().statusCode(400)
                .body("error.code", equalTo("empty_event"));
        given().contentType("application/json").body("").when().post("/v1/events").then().statusCode(400)
                .body("error.code", equalTo("empty_event"));
        given().contentType("application/json").body("not json").when().post("/onObjectCreated").then()
                .statusCode(400).body("error.code", equalTo("malformed_json"));
        given().contentType("application/json").body("[1, 2]").when().post("/onObjectCreated").then()
                .statusCode(400).body("error.code", equalTo("malformed_event"));
    }

    @Test
    void results_prefix_is_never_scored() throws IOException {
        upload("jepa-scores/self.png", png(3));
        post("/onObjectCreated", s3Event("uploads", "jepa-scores/self.png", md5(png(3)), 1)).statusCode(200)
                .body("objects[0].outcome", equalTo("skipped"));
        assertTrue(results("self.png@").isEmpty());
    }

    @Test
    void event_before_its_file_is_answered_retriably_and_redelivery_scores_it() throws IOException {
        String key = "early/boot.png";
        byte[] image = png(62);
        byte[] event = s3Event("uploads", key, md5(image), image.length);
        post("/onObjectCreated", event).statusCode(503).body("error.code", equalTo("object_not_found"));
        assertEquals(List.of(), results("early/"), "nothing may be recorded for a file that is not there yet");

        upload(key, image);
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"));
        assertEquals(onDemandScore(image), document("jepa-scores/uploads/" + key + "@" + md5(image) + ".json")
                .path("jepaScore").asDouble(), 0.0);
    }
}
