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

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Storage events end to end through the HTTP endpoints, against a real S3 server (S3Proxy, separate process): the
 * scenarios every store passes are {@link AbstractStorageEventTest}'s; these are S3's own (versions, multipart eTags,
 * several records, size limits, event shapes).
 */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3StorageEventTest extends AbstractStorageEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3Client s3;

    @BeforeAll
    static void client() {
        s3 = TestS3.client(S3ProxyServer.current());
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    @Override
    void upload(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("image/png"), RequestBody.fromBytes(bytes));
    }

    @Override
    JsonNode document(String key) throws IOException {
        return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
    }

    @Override
    List<String> results(String keyPrefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("jepa-scores/" + keyPrefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    @Override
    String resultKey(String key, String tag) {
        return "jepa-scores/" + key + "@" + tag + ".json";
    }

    @Override
    void assertNothingWritten(String fragment) {
        assertFalse(s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                .anyMatch(o -> o.key().contains(fragment)), "nothing was written for the unsafe key");
    }

    @Test
    void several_records_in_one_event_are_all_scored_and_deletes_ignored() {
        upload("batch/one.png", png(1));
        upload("batch/two.png", png(2));
        // the recorded eTags made those of the two uploads, as their notification would carry them
        byte[] event = new String(sample("aws-s3-two-records.json"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("11111111111111111111111111111111-2", md5(png(1)))
                .replace("22222222222222222222222222222222", md5(png(2))).getBytes();
        post("/onObjectCreated", event).statusCode(200)
                .body("objects", hasSize(2))
                .body("objects.outcome", equalTo(List.of("scored", "scored")))
                .body("objects.object.key", equalTo(List.of("batch/one.png", "batch/two.png")))
                .body("ignored", equalTo(List.of("ObjectRemoved:Delete")));
        assertEquals(2, results("batch/").size());
    }

    @Test
    void new_version_of_an_object_gets_its_own_document() {
        String key = "versions/coat.png";
        byte[] v1 = png(11);
        byte[] v2 = png(12);
        upload(key, v1);
        post("/onObjectCreated", s3Event(BUCKET, key, md5(v1), v1.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"));
        upload(key, v2);
        post("/onObjectCreated", s3Event(BUCKET, key, md5(v2), v2.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"));
        assertEquals(List.of("jepa-scores/versions/coat.png@" + md5(v1) + ".json",
                "jepa-scores/versions/coat.png@" + md5(v2) + ".json").stream().sorted().toList(), results("versions/"));
    }

    @Test
    void object_replaced_by_a_non_image_gets_the_failure_under_the_new_etag_only() throws IOException {
        String key = "replaced/readme.png";
        byte[] image = png(33);
        byte[] text = "plain text, not pixels".getBytes();
        upload(key, image);
        upload(key, text);
        post("/onObjectCreated", s3Event(BUCKET, key, md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("superseded"))
                .body("objects[0].current.outcome", equalTo("failed"))
                .body("objects[0].current.error.code", equalTo("not_an_image"));
        String failure = "jepa-scores/" + key + "@" + md5(text) + ".json";
        assertEquals(List.of(failure), results("replaced/readme"), "the image's eTag must not carry the text's failure");
        assertEquals("not_an_image", document(failure).path("error").path("code").asText());
    }

    @Test
    void multipart_upload_event_with_its_dashed_etag_is_scored_not_taken_for_a_replacement() throws IOException {
        String key = "multipart/coat.png";
        byte[] image = png(34);
        String upload = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key).contentType("image/png")).uploadId();
        String part = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(upload).partNumber(1),
                RequestBody.fromBytes(image)).eTag();
        String eTag = s3.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(upload)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(part)))).eTag().replace("\"", "");
        assertFalse(eTag.equals(md5(image)), "a multipart eTag is not the content's MD5: " + eTag);

        String resultKey = post("/onObjectCreated", s3Event(BUCKET, key, eTag, image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals("jepa-scores/" + key + "@" + eTag + ".json", resultKey);
        assertEquals(onDemandScore(image), document(resultKey).path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void keys_with_spaces_plus_unicode_and_percent_are_decoded_and_scored() throws IOException {
        byte[] image = png(21);
        String key = "odd names/a+b %2F \u00e9t\u00e9 \u6f22\u5b57 (1).png";
        upload(key, image);
        String resultKey = post("/onObjectCreated", s3Event(BUCKET, key, md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"))
                .body("objects[0].object.key", equalTo(key))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals(onDemandScore(image), document(resultKey).path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void oversized_object_gets_a_failure_document_without_being_scored() throws IOException {
        String key = "bad/huge.png";
        byte[] big = new byte[(int) S3ProxyResource.MAX_OBJECT_BYTES + 1];
        upload(key, big);
        String resultKey = post("/onObjectCreated", s3Event(BUCKET, key, md5(big), big.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("failed"))
                .body("objects[0].error.code", equalTo("object_too_large"))
                .extract().jsonPath().getString("objects[0].resultKey");
        assertEquals("object_too_large", document(resultKey).path("error").path("code").asText());
    }

    @Test
    void oversized_object_named_without_a_tag_is_recorded_under_its_real_etag() {
        String key = "bad/untagged-huge.png";
        byte[] big = new byte[(int) S3ProxyResource.MAX_OBJECT_BYTES + 7];
        upload(key, big);
        byte[] event = new String(s3Event(BUCKET, key, "X", big.length)).replace("\"eTag\": \"X\", ", "").getBytes();
        post("/onObjectCreated", event).statusCode(200)
                .body("objects[0].error.code", equalTo("object_too_large"))
                .body("objects[0].resultKey", equalTo("jepa-scores/" + key + "@" + md5(big) + ".json"));
    }

    @Test
    void delete_events_are_acknowledged_and_ignored() {
        post("/onObjectCreated", sample("aws-s3-delete.json")).statusCode(200)
                .body("objects", hasSize(0))
                .body("ignored", equalTo(List.of("ObjectRemoved:DeleteMarkerCreated")));
    }

    @Test
    void malformed_event_json_is_400_with_json_error() {
        post("/onObjectCreated", sample("malformed-truncated.json")).statusCode(400)
                .body("error.code", equalTo("malformed_json"));
        post("/v1/events", sample("malformed-truncated.json")).statusCode(400)
                .body("error.code", equalTo("malformed_event"));
    }

    @Test
    void event_with_no_records_is_400() {
        post("/onObjectCreated", sample("s3-no-records.json")).statusCode(400).body("error.code", equalTo("no_records"));
    }

    @Test
    void unknown_event_type_is_400() {
        post("/onObjectCreated", sample("unknown-cloudevent.json")).statusCode(400)
                .body("error.code", equalTo("unknown_event_type"));
        given().contentType("application/json").header("ce-type", "com.example.thing.happened")
                .body("{}").when().post("/v1/events").then().statusCode(400)
                .body("error.code", equalTo("unknown_event_type"));
    }

}
