package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.event.CloudEventTypes;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The Knative build (-Pknative) end to end: CloudEvents with real {@code ce-*} headers (binary mode) and
 * {@code application/cloudevents+json} bodies (structured mode) against the bundled model and the local store
 * ({@code target/test-data/uploads}). Scores are compared with the on-demand score of the same bytes; tolerance 1e-9
 * (the same model and image give the same number, only JSON printing could differ).
 */
@QuarkusTest
@Tag("knative")
class KnativeCloudEventsTest {

    private static final Path UPLOADS = Path.of("target/test-data/uploads");
    private static final double SAME_SCORE = 1e-9;

    private static byte[] upload(String key, int seed) throws IOException {
        byte[] bytes = png(seed);
        Path file = UPLOADS.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    @Test
    void gcs_finalized_in_binary_mode_is_scored_and_answered_with_a_reply_no_trigger_takes() throws IOException {
        String key = "knative/gcs/boot " + System.nanoTime() + ".png";
        byte[] image = upload(key, 11);
        String body = """
                {"kind": "storage#object", "name": "%s", "bucket": "uploads", "generation": "%d",
                 "size": "%d", "contentType": "image/png"}""".formatted(key, System.nanoTime(), image.length);

        ExtractableResponse<Response> reply = given()
                .header("ce-id", "gcs-1").header("ce-specversion", "1.0")
                .header("ce-type", CloudEventTypes.GCS_FINALIZED)
                .header("ce-source", "//storage.googleapis.com/projects/_/buckets/uploads")
                .header("ce-subject", "objects/" + key)
                .contentType("application/json").body(body)
                .when().post("/").then().statusCode(200)
                .header("ce-type", CloudEventTypes.SCORED)
                .header("ce-source", CloudEventTypes.REPLY_SOURCE)
                .header("ce-id", notNullValue())
                .extract();

        JsonNode object = json(reply.asString()).path("objects").path(0);
        assertEquals("scored", object.path("outcome").asText());
        assertEquals(key, object.path("object").path("key").asText());
        assertEquals(onDemandScore(image), object.path("jepaScore").asDouble(), SAME_SCORE);
        assertFalse(CloudEventTypes.STORAGE_TRIGGERS.contains(reply.header("ce-type")),
                "the reply's type must not be one the function is triggered by");
    }

    @Test
    void azure_blob_created_in_structured_mode_is_scored_and_replied_as_a_structured_event() throws IOException {
        String key = "knative/azure/jumper #" + System.nanoTime() + ".png";
        byte[] image = upload(key, 12);
        String event = """
                {"specversion": "1.0", "type": "Microsoft.Storage.BlobCreated", "id": "az-1",
                 "source": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
                 "subject": "/blobServices/default/containers/uploads/blobs/%s",
                 "datacontenttype": "application/json",
                 "data": {"api": "PutBlob", "eTag": "0x8DD%d", "contentType": "image/png", "contentLength": %d,
                          "blobType": "BlockBlob"}}""".formatted(key, System.nanoTime(), image.length);

        String reply = given().contentType("application/cloudevents+json").body(event)
                .when().post("/").then().statusCode(200).extract().asString();

        JsonNode replyEvent = json(reply);
        assertEquals(CloudEventTypes.SCORED, replyEvent.path("type").asText());
        assertEquals(CloudEventTypes.REPLY_SOURCE, replyEvent.path("source").asText());
        JsonNode object = replyEvent.path("data").path("objects").path(0);
        assertEquals("scored", object.path("outcome").asText());
        assertEquals(key, object.path("object").path("key").asText());
        assertEquals(onDemandScore(image), object.path("jepaScore").asDouble(), SAME_SCORE);
    }

    @Test
    void s3_records_relayed_by_an_event_source_score_every_object_with_decoded_keys() throws IOException {
        String first = "knative/s3/red shirt " + System.nanoTime() + ".png";
        String second = "knative/s3/blue+coat " + System.nanoTime() + ".png";
        byte[] a = upload(first, 13);
        byte[] b = upload(second, 14);
        JsonNode one = json(new String(s3Event("uploads", first, md5(a), a.length), StandardCharsets.UTF_8));
        JsonNode two = json(new String(s3Event("uploads", second, md5(b), b.length), StandardCharsets.UTF_8));
        ((com.fasterxml.jackson.databind.node.ArrayNode) one.path("Records")).add(two.path("Records").path(0));

        String reply = given()
                .header("ce-id", "s3-1").header("ce-specversion", "1.0")
                .header("ce-type", CloudEventTypes.S3_NOTIFICATION).header("ce-source", "minio:uploads")
                .contentType("application/json").body(one.toString())
                .when().post("/").then().statusCode(200).header("ce-type", CloudEventTypes.SCORED)
                .extract().asString();

        JsonNode objects = json(reply).path("objects");
        assertEquals(2, objects.size());
        assertEquals(first, objects.path(0).path("object").path("key").asText());
        assertEquals(second, objects.path(1).path("object").path("key").asText());
        assertEquals(onDemandScore(a), objects.path(0).path("jepaScore").asDouble(), SAME_SCORE);
        assertEquals(onDemandScore(b), objects.path(1).path("jepaScore").asDouble(), SAME_SCORE);
    }

    @Test
    void cloudevent_of_an_unmapped_type_is_rejected_with_400_naming_the_type() {
        given().header("ce-id", "x-1").header("ce-specversion", "1.0")
                .header("ce-type", "google.cloud.storage.object.v1.deleted")
                .header("ce-source", "//storage.googleapis.com/projects/_/buckets/uploads")
                .contentType("application/json").body("{}")
                .when().post("/").then().statusCode(400)
                .body("error.code", equalTo("unmapped_event_type"))
                .body("error.message", containsString("google.cloud.storage.object.v1.deleted"))
                .body("error.message", containsString(CloudEventTypes.GCS_FINALIZED));
    }

    @Test
    void structured_cloudevent_of_an_unmapped_type_is_rejected_with_400() {
        given().contentType("application/cloudevents+json")
                .body("""
                        {"specversion": "1.0", "type": "com.example.unknown", "id": "u-1", "source": "/x",
                         "datacontenttype": "application/json", "data": {}}""")
                .when().post("/").then().statusCode(400).body("error.code", equalTo("unmapped_event_type"));
    }

    @Test
    void plain_post_to_score_still_reaches_the_function_by_name() {
        byte[] image = png(15);
        String reply = given().contentType("application/json")
                .body("{\"image\": \"" + Base64.getEncoder().encodeToString(image) + "\"}")
                .when().post("/score").then().statusCode(200).extract().asString();
        JsonNode result = json(reply);
        assertTrue(result.path("jepaScore").isNumber(), reply);
        assertEquals(onDemandScore(image), result.path("jepaScore").asDouble(), SAME_SCORE);
    }
}
