package dev.jepascore.function;

import static dev.jepascore.function.LocalSecurityAttacksTest.azureEvent;
import static dev.jepascore.function.LocalSecurityAttacksTest.gcsEvent;
import static dev.jepascore.function.LocalSecurityAttacksTest.repeated;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.jepascore.result.ResultSeal;
import dev.jepascore.testing.S3ProxyResource;
import dev.jepascore.testing.S3ProxyServer;
import dev.jepascore.testing.TestS3;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The attacks of issue 17 through S3 events against a real S3 server (S3Proxy), with result documents beside the
 * uploads and signed ({@code jepa.storage.results-signing-key}), the layout where an uploader can write documents.
 */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3SecurityAttacksTest {

    private static final String BUCKET = S3ProxyResource.BUCKET;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3Client s3;

    @BeforeAll
    static void client() {
        s3 = TestS3.client(S3ProxyServer.current());
        s3.createBucket(b -> b.bucket("private"));
        TestS3.upload(s3, "private", "hr/pay.png", "password".getBytes(StandardCharsets.US_ASCII), "image/png");
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    private static List<String> keys(String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    private static JsonNode document(String key) throws IOException {
        return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
    }

    /** Finding 1 over S3: the function read another bucket and wrote its documents into it. */
    @Test
    void event_naming_a_bucket_not_served_is_refused_alike_whether_or_not_bucket_or_key_exist() {
        byte[] secret = "password".getBytes(StandardCharsets.US_ASCII);
        String existing = post("/onObjectCreated", s3Event("private", "hr/pay.png", md5(secret), 8)).statusCode(403)
                .body("error.code", equalTo("bucket_not_allowed")).extract().asString();
        String missingKey = post("/onObjectCreated", s3Event("private", "hr/none.png", md5(secret), 8)).statusCode(403)
                .extract().asString();
        String missingBucket = post("/onObjectCreated", s3Event("nosuchbucket", "hr/pay.png", md5(secret), 8))
                .statusCode(403).extract().asString();
        assertEquals(existing, missingKey);
        assertEquals(existing, missingBucket.replace("nosuchbucket", "private"));
        post("/v1/events", azureEvent("private", "hr/pay.png", "0x8DD0F1A2B3C4D60")).statusCode(403)
                .body("error.code", equalTo("bucket_not_allowed"));
        post("/onObjectCreated", gcsEvent("private", "hr/pay.png", "17")).statusCode(403)
                .body("error.code", equalTo("bucket_not_allowed"));
        given().when().get("/v1/report?bucket=private").then().statusCode(403)
                .body("error.code", equalTo("bucket_not_allowed"));
        assertEquals(List.of("hr/pay.png"), keys("private"), "nothing may be written into a bucket not served");
    }

    /** Finding 2 over S3: an unsigned document an uploader wrote beside the object was answered as a duplicate. */
    @Test
    void unsigned_typical_document_beside_the_upload_is_ignored_and_replaced_by_a_signed_one() throws IOException {
        byte[] image = png(91);
        TestS3.upload(s3, BUCKET, "forged/outlier.png", image, "image/png");
        String documentKey = "jepa-scores/forged/outlier.png@" + md5(image) + ".json";
        TestS3.upload(s3, BUCKET, documentKey, ("{\"object\": {\"bucket\": \"uploads\", \"key\": \"forged/outlier.png\", "
                + "\"versionTag\": \"" + md5(image) + "\"}, \"outcome\": \"scored\", \"jepaScore\": 999.0, "
                + "\"label\": \"typical\"}").getBytes(StandardCharsets.UTF_8), "application/json");
        post("/onObjectCreated", s3Event(BUCKET, "forged/outlier.png", md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"));
        JsonNode rewritten = document(documentKey);
        assertEquals(onDemandScore(image), rewritten.path("jepaScore").asDouble(), 0.0);
        assertTrue(rewritten.path(ResultSeal.FIELD).asText().startsWith("hmac-sha256:"), rewritten.toString());
        post("/onObjectCreated", s3Event(BUCKET, "forged/outlier.png", md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("duplicate"));
    }

    /** Finding 2 over S3: a signed document edited by an uploader (its label changed) is not trusted either. */
    @Test
    void signed_document_edited_by_an_uploader_is_ignored_and_rewritten() throws IOException {
        byte[] image = png(92);
        TestS3.upload(s3, BUCKET, "edited/a.png", image, "image/png");
        post("/onObjectCreated", s3Event(BUCKET, "edited/a.png", md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored"));
        String documentKey = "jepa-scores/edited/a.png@" + md5(image) + ".json";
        ObjectNode edited = (ObjectNode) document(documentKey);
        String label = edited.path("label").asText();
        edited.put("label", label.equals("typical") ? "outlier" : "typical");
        TestS3.upload(s3, BUCKET, documentKey, edited.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        post("/onObjectCreated", s3Event(BUCKET, "edited/a.png", md5(image), image.length)).statusCode(200)
                .body("objects[0].outcome", equalTo("scored")).body("objects[0].label", equalTo(label));
        assertEquals(label, document(documentKey).path("label").asText());
    }

    /** Finding 3 over S3: a flood of records, and one object named many times. */
    @Test
    void too_many_records_are_413_and_a_repeated_record_is_read_once() throws IOException {
        byte[] image = png(93);
        TestS3.upload(s3, BUCKET, "flood/a.png", image, "image/png");
        byte[] one = s3Event(BUCKET, "flood/a.png", md5(image), image.length);
        post("/onObjectCreated", repeated(one, 101)).statusCode(413).body("error.code", equalTo("too_many_records"));
        assertFalse(keys(BUCKET).contains("jepa-scores/flood/a.png@" + md5(image) + ".json"), "nothing was scored");
        post("/onObjectCreated", repeated(one, 100)).statusCode(200).body("objects", hasSize(1))
                .body("objects[0].outcome", equalTo("scored"));
    }

    /** Finding 4 over S3: made-up eTags created further documents for the same bytes. */
    @Test
    void made_up_etag_is_400_and_writes_nothing() {
        byte[] image = png(94);
        TestS3.upload(s3, BUCKET, "tags/a.png", image, "image/png");
        for (String tag : List.of("BOGUS", "a/b", md5(image) + "-x")) {
            post("/onObjectCreated", s3Event(BUCKET, "tags/a.png", tag, image.length)).statusCode(400)
                    .body("error.code", equalTo("bad_version_tag"));
        }
        assertTrue(keys(BUCKET).stream().noneMatch(k -> k.startsWith("jepa-scores/tags/")), keys(BUCKET).toString());
    }
}
