package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.bmp;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jepascore.testing.FaultyBmpReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Failures that are the function's, not the image's, injected one at a time: they answer a 5xx (503 with
 * {@code Retry-After} when retrying can help), never {@code image_corrupt}, and a storage event that meets one
 * writes no document, so its redelivery scores the object instead of answering {@code duplicate}.
 */
@QuarkusTest
public class ResourceFailureTest {

    private static final Path UPLOADS = Path.of("target/test-data/uploads");

    @AfterEach
    void disarm() {
        FaultyBmpReader.disarm();
    }

    @Test
    void out_of_memory_while_decoding_an_upload_is_503_overloaded_with_retry_after() {
        FaultyBmpReader.arm(FaultyBmpReader.Fault.OUT_OF_MEMORY, 1);
        given().contentType("image/bmp").body(bmp(1)).when().post("/v1/score")
                .then().statusCode(503).header("Retry-After", equalTo("2"))
                .body("error.code", equalTo("overloaded")).body("error.message", containsString("out of memory"));
        FaultyBmpReader.arm(FaultyBmpReader.Fault.OUT_OF_MEMORY, 1);
        given().contentType(ContentType.JSON).body(Map.of("image", Base64.getEncoder().encodeToString(bmp(1))))
                .when().post("/score")
                .then().statusCode(503).header("Retry-After", equalTo("2")).body("error.code", equalTo("overloaded"));
        assertEquals(0, FaultyBmpReader.remaining());
    }

    @Test
    void out_of_memory_while_decoding_an_object_writes_no_document_and_redelivery_scores_it() throws IOException {
        byte[] image = bmp(71);
        String key = "resource/oom.bmp";
        byte[] event = put(key, image);
        FaultyBmpReader.arm(FaultyBmpReader.Fault.OUT_OF_MEMORY, 1);
        post("/onObjectCreated", event).statusCode(503).header("Retry-After", equalTo("2"))
                .body("error.code", equalTo("overloaded"));
        assertFalse(Files.exists(document(key, image)), "a resource failure was recorded as the object's result");

        post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"));
        assertEquals(onDemandScore(image), EventJson.score(document(key, image)), 0.0);
    }

    public static byte[] put(String key, byte[] image) throws IOException {
        Path file = UPLOADS.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, image);
        Files.deleteIfExists(document(key, image));
        return s3Event("uploads", key, md5(image), image.length);
    }

    public static Path document(String key, byte[] image) {
        return Path.of("target/test-data/jepa-results/jepa-scores/uploads/").resolve(key + "@" + md5(image) + ".json");
    }

    /** Reads the score from a stored document. */
    public static final class EventJson {
        public static double score(Path document) throws IOException {
            return dev.jepascore.testing.EventTestSupport.json(Files.readString(document)).path("jepaScore").asDouble();
        }
    }
}
