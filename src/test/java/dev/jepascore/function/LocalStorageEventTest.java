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
 * is the directory {@code target/test-data/uploads} ({@code %test.jepa.storage.local.root}). The scenarios every
 * store passes are {@link AbstractStorageEventTest}'s; these are the local store's own.
 */
@QuarkusTest
class LocalStorageEventTest extends AbstractStorageEventTest {

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

    @Override
    void upload(String key, byte[] bytes) throws IOException {
        Path file = UPLOADS.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    @Override
    JsonNode document(String resultKey) throws IOException {
        return json(Files.readString(RESULTS.resolve(resultKey)));
    }

    @Override
    List<String> results(String keyPrefix) throws IOException {
        Path dir = RESULTS.resolve("jepa-scores/uploads");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(k -> k.startsWith(keyPrefix)).sorted().map(k -> "jepa-scores/uploads/" + k).toList();
        }
    }

    @Override
    String resultKey(String key, String tag) {
        return "jepa-scores/uploads/" + key + "@" + tag + ".json";
    }

    @Override
    void assertNothingWritten(String fragment) throws IOException {
        assertFalse(Files.exists(ROOT.resolve("etc")));
        assertFalse(Files.exists(Path.of("target/etc")));
        try (Stream<Path> files = Files.walk(ROOT)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(fragment)), "a file named " + fragment);
        }
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
    void event_without_version_tag_uses_the_content_md5_and_is_still_idempotent() throws IOException {
        byte[] image = png(9);
        upload("untagged/cap.png", image);
        byte[] event = ("{\"Records\":[{\"eventSource\":\"minio:s3\",\"eventName\":\"s3:ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"uploads\"},\"object\":{\"key\":\"untagged%2Fcap.png\"}}}]}").getBytes();
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"))
                .body("objects[0].object.versionTag", equalTo(md5(image)));
        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("duplicate"));
        assertEquals(List.of(resultKey("untagged/cap.png", md5(image))), results("untagged/"));
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

}
