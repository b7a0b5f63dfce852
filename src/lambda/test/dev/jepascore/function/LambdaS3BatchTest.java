package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.png;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.score.ScoringService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The Lambda build's S3 Batch Operations handler, selected as a deployment selects it ({@code quarkus.lambda.handler
 * =s3-batch}), through the extension's mock event server: invocations of schema 1.0 and 2.0 are posted to
 * {@code /_lambda_}, the real job scores against the bundled model and the local store
 * ({@code target/test-data/uploads}), and the per-task answer Batch Operations would read comes back.
 */
@QuarkusTest
@Tag("lambda")
@TestProfile(LambdaS3BatchTest.BatchHandler.class)
class LambdaS3BatchTest {

    /** The batch handler, and a mock event server port of its own (the S3 event test uses 18481). */
    public static class BatchHandler implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.handler", S3BatchHandler.NAME,
                    "quarkus.lambda.mock-event-server.test-port", "18482");
        }
    }

    private static final Path UPLOADS = Path.of("target/test-data/uploads");
    private static final String RESULTS_PREFIX = "jepa-scores/";
    /** The local store's results directory of its own, and the key prefix of the uploads bucket's documents in it. */
    private static final Path RESULTS = Path.of("target/test-data/jepa-results");
    private static final String DOCS_PREFIX = RESULTS_PREFIX + "uploads/";
    /** Same model, same bytes: only JSON printing could differ. */
    private static final double SAME_SCORE = 1e-9;

    @Inject
    ScoringService scoring;

    private static byte[] upload(String key, byte[] bytes) throws IOException {
        Path file = UPLOADS.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    /** How schema 1.0 sends a key: form-URL-encoded, '/' kept. */
    private static String encoded(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private static String taskV1(String id, String encodedKey) {
        return """
                {"taskId": "%s", "s3Key": "%s", "s3VersionId": null, "s3BucketArn": "arn:aws:s3:::uploads"}"""
                .formatted(id, encodedKey);
    }

    private static String invocationV1(String... tasks) {
        return """
                {"invocationSchemaVersion": "1.0", "invocationId": "aW52b2NhdGlvbi0x",
                 "job": {"id": "5f1c2a9e-0000-4000-8000-000000000001"}, "tasks": [%s]}"""
                .formatted(String.join(",", tasks));
    }

    private static JsonNode invoke(String event) {
        String answer = given().contentType("application/json").body(event)
                .when().post("/_lambda_").then().statusCode(200).extract().asString();
        return json(answer);
    }

    private static JsonNode result(JsonNode response, String taskId) {
        for (JsonNode r : response.path("results")) {
            if (taskId.equals(r.path("taskId").asText())) {
                return r;
            }
        }
        throw new AssertionError("no result for task " + taskId + " in " + response);
    }

    private static JsonNode document(String key) throws IOException {
        return json(Files.readString(RESULTS.resolve(key)));
    }

    @Test
    void batch_invocation_answers_each_task_with_the_code_batch_operations_acts_on() throws IOException {
        long n = System.nanoTime();
        String plain = "batch/plain-" + n + ".png";
        String spaced = "batch/red shirt \u00fc+" + n + ".png";
        String corrupt = "batch/truncated-" + n + ".png";
        String missing = "batch/never-uploaded-" + n + ".png";
        String own = RESULTS_PREFIX + "batch/old.png@abc.json";
        byte[] a = upload(plain, png(31));
        byte[] b = upload(spaced, png(32));
        upload(corrupt, Arrays.copyOf(png(33), 40));
        upload(own, "{\"outcome\": \"scored\"}".getBytes(StandardCharsets.UTF_8));

        JsonNode response = invoke(invocationV1(taskV1("t-plain", encoded(plain)), taskV1("t-spaced", encoded(spaced)),
                taskV1("t-corrupt", encoded(corrupt)), taskV1("t-missing", encoded(missing)),
                taskV1("t-own", encoded(own))));

        assertEquals("1.0", response.path("invocationSchemaVersion").asText(), response.toString());
        assertEquals("aW52b2NhdGlvbi0x", response.path("invocationId").asText());
        assertEquals("PermanentFailure", response.path("treatMissingKeysAs").asText());
        assertEquals(5, response.path("results").size(), response.toString());

        // Scored: the document is the one the S3 event handler writes for these bytes (keyed by their eTag, the MD5).
        for (String[] scored : new String[][] { { "t-plain", plain }, { "t-spaced", spaced } }) {
            JsonNode r = result(response, scored[0]);
            assertEquals("Succeeded", r.path("resultCode").asText(), r.toString());
            byte[] bytes = scored[1].equals(plain) ? a : b;
            String docKey = DOCS_PREFIX + scored[1] + "@" + md5(bytes) + ".json";
            assertTrue(r.path("resultString").asText().contains("jepa-results/" + docKey), r.toString());
            JsonNode doc = document(docKey);
            assertEquals(scored[1], doc.path("object").path("key").asText(), "the schema 1.0 key is decoded");
            assertEquals("s3-batch", doc.path("object").path("format").asText());
            assertEquals(scoring.score(bytes, null).jepaScore(), doc.path("jepaScore").asDouble(), SAME_SCORE);
        }

        // Corrupt image: a failure document with the decoder's code, final, so Batch Operations does not retry.
        JsonNode bad = result(response, "t-corrupt");
        assertEquals("PermanentFailure", bad.path("resultCode").asText(), bad.toString());
        String badDoc = DOCS_PREFIX + corrupt + "@" + md5(Arrays.copyOf(png(33), 40)) + ".json";
        String code = document(badDoc).path("error").path("code").asText();
        assertFalse(code.isEmpty());
        assertTrue(bad.path("resultString").asText().startsWith(code + ": "), bad.toString());

        // Missing: left for a retry, nothing recorded.
        JsonNode gone = result(response, "t-missing");
        assertEquals("TemporaryFailure", gone.path("resultCode").asText(), gone.toString());
        assertTrue(gone.path("resultString").asText().startsWith("object_not_found: "), gone.toString());
        try (var docs = Files.list(RESULTS.resolve(DOCS_PREFIX + "batch"))) {
            assertFalse(docs.anyMatch(p -> p.getFileName().toString().startsWith("never-uploaded-" + n)),
                    "no document for an object that was never there");
        }

        // The function's own output: never scored.
        JsonNode skipped = result(response, "t-own");
        assertEquals("PermanentFailure", skipped.path("resultCode").asText(), skipped.toString());
        assertEquals("skipped: under the results prefix " + RESULTS_PREFIX, skipped.path("resultString").asText());
        assertFalse(Files.exists(RESULTS.resolve(DOCS_PREFIX + own + "@" + md5(
                "{\"outcome\": \"scored\"}".getBytes(StandardCharsets.UTF_8)) + ".json")));
    }

    @Test
    void schema_2_invocation_takes_bucket_names_and_plain_keys_and_a_rerun_answers_from_the_document()
            throws IOException {
        String key = "batch/v2 plain+" + System.nanoTime() + ".png";
        byte[] image = upload(key, png(34));
        String event = """
                {"invocationSchemaVersion": "2.0", "invocationId": "aW52b2NhdGlvbi0y",
                 "job": {"id": "5f1c2a9e-0000-4000-8000-000000000002", "userArguments": {"note": "backfill"}},
                 "tasks": [{"taskId": "t-v2", "s3Bucket": "uploads", "s3Key": "%s", "s3VersionId": "3HL4kqtJlcpXroDTDmJ"}]}"""
                .formatted(key);

        JsonNode first = result(invoke(event), "t-v2");
        JsonNode again = invoke(event);

        assertEquals("Succeeded", first.path("resultCode").asText(), first.toString());
        assertTrue(first.path("resultString").asText().startsWith("scored: "), first.toString());
        assertTrue(first.path("resultString").asText().contains("not the named version id 3HL4kqtJlcpXroDTDmJ"),
                "the answer says the current version was read: " + first);
        assertEquals("2.0", again.path("invocationSchemaVersion").asText());
        JsonNode second = result(again, "t-v2");
        assertEquals("Succeeded", second.path("resultCode").asText(), second.toString());
        assertTrue(second.path("resultString").asText().startsWith("already scored: "), second.toString());
        JsonNode doc = document(DOCS_PREFIX + key + "@" + md5(image) + ".json");
        assertEquals(key, doc.path("object").path("key").asText(), "a 2.0 key is taken as it is ('+' stays '+')");
        assertEquals(scoring.score(image, null).jepaScore(), doc.path("jepaScore").asDouble(), SAME_SCORE);
    }

    @Test
    void invocation_of_an_unknown_schema_version_fails_the_invocation_naming_the_accepted_ones() {
        String event = """
                {"invocationSchemaVersion": "9.9", "invocationId": "x", "job": {"id": "j"},
                 "tasks": [{"taskId": "t", "s3Key": "a.png", "s3Bucket": "uploads"}]}""";

        String answer = given().contentType("application/json").body(event)
                .when().post("/_lambda_").then().extract().asString();

        assertTrue(answer.contains("9.9") && answer.contains("1.0 or 2.0"), answer);
    }
}
