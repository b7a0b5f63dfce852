package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.png;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.result.ScoreResult;
import dev.jepascore.score.ScoringService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The Lambda build (-Plambda) through the Lambda extension's mock event server: an S3 notification is posted to
 * {@code /_lambda_} as Lambda would deliver it, the real handler runs against the bundled model and the local store
 * ({@code target/test-data/uploads}), and the handler's answer comes back as the response.
 */
@QuarkusTest
@Tag("lambda")
@TestProfile(LambdaS3EventTest.MockServerPort.class)
class LambdaS3EventTest {

    /** The mock event server on a fixed loopback port of its own (the extension's default, 8081, is common). */
    public static class MockServerPort implements QuarkusTestProfile {
        static final int PORT = 18481;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.mock-event-server.test-port", Integer.toString(PORT));
        }
    }

    private static final Path UPLOADS = Path.of("target/test-data/uploads");
    /** Same model, same bytes: only JSON printing could differ. */
    private static final double SAME_SCORE = 1e-9;

    @Inject
    SnapStartPriming priming;

    /** Reference scores straight from the service (in this build RestAssured's port is the mock event server's). */
    @Inject
    ScoringService scoring;

    private double onDemandScore(byte[] image) {
        return scoring.score(image, null).jepaScore();
    }

    private static byte[] upload(String key, int seed) throws IOException {
        byte[] bytes = png(seed);
        Path file = UPLOADS.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    private static String record(String eventName, String key, String eTag, long size) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        return """
                {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
                 "eventTime": "2026-11-28T08:00:00.000Z", "eventName": "%s",
                 "userIdentity": {"principalId": "AWS:EXAMPLE"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                 "responseElements": {"x-amz-request-id": "R1", "x-amz-id-2": "I2"},
                 "s3": {"s3SchemaVersion": "1.0", "configurationId": "uploads",
                        "bucket": {"name": "uploads", "ownerIdentity": {"principalId": "P"}, "arn": "arn:aws:s3:::uploads"},
                        "object": {"key": "%s", "size": %d, "eTag": "%s", "sequencer": "0066A8B1E3C4F1D2AB"}}}"""
                .formatted(eventName, encoded, size, eTag);
    }

    private static JsonNode invoke(String event) {
        String answer = given().contentType("application/json").body(event)
                .when().post("/_lambda_").then().statusCode(200).extract().asString();
        return json(answer);
    }

    @Test
    void s3_event_with_several_records_scores_each_object_and_skips_the_results_prefix() throws IOException {
        String first = "lambda/red shirt (" + System.nanoTime() + ").png";
        String second = "lambda/scans/shoe \u00fc+" + System.nanoTime() + ".png";
        byte[] a = upload(first, 21);
        byte[] b = upload(second, 22);
        String own = "jepa-scores/lambda/old.png@abc.json";
        String event = "{\"Records\": [" + record("ObjectCreated:Put", first, md5(a), a.length) + ","
                + record("ObjectCreated:CompleteMultipartUpload", second, md5(b), b.length) + ","
                + record("ObjectCreated:Put", own, "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0", 10) + ","
                + record("ObjectRemoved:Delete", "lambda/gone.png", "e1", 0) + "]}";

        JsonNode report = invoke(event);

        JsonNode objects = report.path("objects");
        assertEquals(3, objects.size(), report.toString());
        assertEquals(first, objects.path(0).path("object").path("key").asText());
        assertEquals("scored", objects.path(0).path("outcome").asText());
        assertEquals(onDemandScore(a), objects.path(0).path("jepaScore").asDouble(), SAME_SCORE);
        assertEquals(second, objects.path(1).path("object").path("key").asText());
        assertEquals("scored", objects.path(1).path("outcome").asText());
        assertEquals(onDemandScore(b), objects.path(1).path("jepaScore").asDouble(), SAME_SCORE);
        assertEquals(own, objects.path(2).path("object").path("key").asText());
        assertEquals("skipped", objects.path(2).path("outcome").asText());
        assertFalse(objects.path(2).has("jepaScore"));
        assertEquals("ObjectRemoved:Delete", report.path("ignored").path(0).asText());
        assertTrue(Files.isRegularFile(Path.of("target/test-data").resolve(objects.path(0).path("resultBucket").asText())
                .resolve(objects.path(0).path("resultKey").asText())),
                "the result document is written in the results location (the local store's jepa-results)");
        assertEquals("jepa-results", objects.path(0).path("resultBucket").asText());
    }

    @Test
    void redelivered_s3_event_answers_duplicate_with_the_first_score() throws IOException {
        String key = "lambda/again " + System.nanoTime() + ".png";
        byte[] image = upload(key, 23);
        String event = "{\"Records\": [" + record("ObjectCreated:Put", key, md5(image), image.length) + "]}";

        JsonNode first = invoke(event).path("objects").path(0);
        JsonNode second = invoke(event).path("objects").path(0);

        assertEquals("scored", first.path("outcome").asText());
        assertEquals("duplicate", second.path("outcome").asText());
        assertEquals(first.path("jepaScore").asDouble(), second.path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void snapstart_priming_runs_the_scoring_path_before_the_checkpoint() {
        ScoreResult primed = priming.prime();
        assertNotNull(primed);
        assertTrue(Double.isFinite(primed.jepaScore()), "priming scored the image: " + primed.jepaScore());
        assertNotNull(primed.label());
    }
}
