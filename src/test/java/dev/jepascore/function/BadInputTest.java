package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jepascore.image.TestImages;
import dev.jepascore.testing.LoopbackHttp;
import dev.jepascore.testing.Readiness;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every client mistake gets a 4xx with {@code {"error": {"code", "message"}}}, is not logged at
 * ERROR, and leaves the function ready.
 */
@QuarkusTest
class BadInputTest {

    private final List<LogRecord> errors = new ArrayList<>();
    private final Handler errorCollector = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                synchronized (errors) {
                    errors.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void collectErrors() {
        Logger.getLogger("").addHandler(errorCollector);
    }

    @AfterEach
    void noErrorLoggedAndStillReady() {
        Logger.getLogger("").removeHandler(errorCollector);
        synchronized (errors) {
            assertEquals(List.of(), errors.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList(),
                    "a client's mistake was logged at ERROR");
        }
        Readiness.awaitUp(); // the first test may run while the model still loads
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void empty_body_is_400_empty_image() {
        upload(new byte[0], "image/png", 400, "empty_image");
    }

    @Test
    void text_is_400_not_an_image() {
        upload("just some words".getBytes(StandardCharsets.UTF_8), "image/png", 400, "not_an_image");
    }

    @Test
    void truncated_png_is_400_image_corrupt() {
        upload(TestImages.truncated(TestImages.picture("png", 300, 300), 0.4), "image/png", 400, "image_corrupt");
    }

    @Test
    void truncated_jpeg_is_400_image_corrupt() {
        upload(TestImages.truncated(TestImages.picture("jpg", 300, 300), 0.4), "image/jpeg", 400, "image_corrupt");
    }

    @Test
    void heic_is_415_unsupported_format() {
        byte[] heic = "\0\0\0\u0018ftypheic\0\0\0\0mif1heic".getBytes(StandardCharsets.ISO_8859_1);
        upload(heic, "image/heic", 415, "unsupported_format");
    }

    @Test
    void image_over_the_byte_limit_is_413_image_too_large() {
        byte[] big = new byte[20 * 1024 * 1024 + 1];
        LoopbackHttp.Answer answer = LoopbackHttp.post("/v1/score", "image/png", big);
        assertEquals(413, answer.status(), answer.body());
        assertEquals("image_too_large", answer.errorCode(), answer.body());
        assertFalse(answer.json().path("error").path("message").asText().isBlank(), answer.body());
    }

    @Test
    void decompression_bomb_header_is_413_too_many_pixels() {
        upload(TestImages.pngDeclaring(60_000, 60_000), "image/png", 413, "too_many_pixels");
    }

    @Test
    void malformed_json_is_400_malformed_json() {
        given().contentType(ContentType.JSON).body("{\"image\": ").when().post("/score")
                .then().statusCode(400).body("error.code", equalTo("malformed_json"));
    }

    @Test
    void json_of_the_wrong_shape_is_400_malformed_json() {
        given().contentType(ContentType.JSON).body("{\"image\": {\"nested\": true}}").when().post("/score")
                .then().statusCode(400).body("error.code", equalTo("malformed_json"));
    }

    @Test
    void missing_image_field_is_400_missing_image() {
        given().contentType(ContentType.JSON).body("{\"picture\": \"abc\"}").when().post("/score")
                .then().statusCode(400).body("error.code", equalTo("missing_image"))
                .body("error.message", containsString("'image'"));
    }

    @Test
    void bad_base64_is_400_bad_base64() {
        given().contentType(ContentType.JSON).body(Map.of("image", "this is not base64!!")).when().post("/score")
                .then().statusCode(400).body("error.code", equalTo("bad_base64"));
    }

    @Test
    void base64_of_a_non_image_is_400_not_an_image() {
        String text = Base64.getEncoder().encodeToString("plain text".getBytes(StandardCharsets.UTF_8));
        given().contentType(ContentType.JSON).body(Map.of("image", text)).when().post("/score")
                .then().statusCode(400).body("error.code", equalTo("not_an_image"));
    }

    @Test
    void unknown_mode_is_400_unsupported_mode() {
        String png = Base64.getEncoder().encodeToString(TestImages.picture("png", 28, 28));
        given().contentType(ContentType.JSON).body(Map.of("image", png, "mode", "psychic")).when().post("/score")
                .then().statusCode(400).body("error.code", equalTo("unsupported_mode"));
    }

    @Test
    void a_text_file_in_a_funqy_batch_is_its_own_error_entry_and_the_others_are_scored() {
        String good = Base64.getEncoder().encodeToString(TestImages.picture("png", 28, 28));
        String bad = Base64.getEncoder().encodeToString("not an image, a text file\n".getBytes(StandardCharsets.UTF_8));
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(good, bad, good))).when()
                .post("/scoreBatch").then().statusCode(200).body("results.size()", equalTo(3))
                .body("results[0].jepaScore", notNullValue()).body("results[2].jepaScore", notNullValue())
                .body("results[1].index", equalTo(1)).body("results[1].error.code", equalTo("not_an_image"))
                .body("results[1].error.message", containsString("images[1]"))
                .body("results[1].jepaScore", nullValue());
    }

    @Test
    void a_text_file_in_a_multipart_batch_is_its_own_error_entry_and_the_others_are_scored() {
        byte[] png = TestImages.picture("png", 28, 28);
        byte[] jpeg = TestImages.picture("jpg", 28, 28);
        given().multiPart("image", "a.png", png, "image/png")
                .multiPart("image", "notes.txt", "not an image, a text file\n".getBytes(StandardCharsets.UTF_8),
                        "text/plain")
                .multiPart("image", "b.jpg", jpeg, "image/jpeg").when().post("/v1/score/batch").then().statusCode(200)
                .body("results.size()", equalTo(3)).body("results[0].jepaScore", notNullValue())
                .body("results[2].jepaScore", notNullValue()).body("results[1].index", equalTo(1))
                .body("results[1].error.code", equalTo("not_an_image"));
    }

    @Test
    void a_batch_of_only_bad_images_answers_an_error_entry_for_each() {
        String bad = Base64.getEncoder().encodeToString("nope".getBytes(StandardCharsets.UTF_8));
        byte[] png = TestImages.picture("png", 28, 28);
        String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(png, png.length / 2));
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(bad, truncated))).when()
                .post("/scoreBatch").then().statusCode(200).body("results.size()", equalTo(2))
                .body("results[0].error.code", equalTo("not_an_image"))
                .body("results[1].error.code", equalTo("image_corrupt"));
    }

    @Test
    void batch_over_the_limit_is_413_batch_too_large() {
        String good = Base64.getEncoder().encodeToString(TestImages.picture("png", 28, 28));
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            images.add(good);
        }
        given().contentType(ContentType.JSON).body(Map.of("images", images)).when().post("/scoreBatch")
                .then().statusCode(413).body("error.code", equalTo("batch_too_large"));
    }

    @Test
    void base64_image_just_under_the_20_mib_limit_is_scored_through_funqy() {
        byte[] small = TestImages.picture("png", 28, 28);
        byte[] padded = TestImages.withPrivateChunk(small, 20 * 1024 * 1024 - small.length - 64);
        String body = "{\"image\": \"" + Base64.getEncoder().encodeToString(padded) + "\"}";
        double expected = dev.jepascore.testing.EventTestSupport.json(given().contentType("image/png").body(small)
                .when().post("/v1/score").then().statusCode(200).extract().asString()).path("jepaScore").asDouble();
        LoopbackHttp.Answer answer = LoopbackHttp.post("/score", "application/json",
                body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(200, answer.status(), answer.body());
        assertEquals(expected, answer.json().path("jepaScore").asDouble(), 0.0);
    }

    @Test
    void tiff_is_415_unsupported_format() {
        upload(TestImages.picture("tiff", 28, 28), "image/tiff", 415, "unsupported_format");
    }

    @Test
    void raw_jpeg_sent_with_a_form_content_type_is_415_and_its_bytes_are_not_logged() throws Exception {
        byte[] jpeg = TestImages.picture("jpg", 64, 64);
        for (String path : new String[] { "/v1/score", "/score", "/onObjectCreated" }) {
            // what curl -d sends: the bytes, labelled as a form
            LoopbackHttp.Answer response = LoopbackHttp.post(path, "application/x-www-form-urlencoded", jpeg);
            assertEquals(415, response.status(), path + ": " + response.body());
            com.fasterxml.jackson.databind.JsonNode error = response.json().path("error");
            assertEquals("unsupported_media_type", error.path("code").asText(), response.body());
            assertEquals(true, error.path("message").asText().contains("--data-binary"), response.body());
        }
    }

    private static void upload(byte[] body, String contentType, int status, String code) {
        given().contentType(contentType).body(body).when().post("/v1/score")
                .then().statusCode(status)
                .contentType(ContentType.JSON)
                .body("error.code", equalTo(code))
                .body("error.message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
    }
}
