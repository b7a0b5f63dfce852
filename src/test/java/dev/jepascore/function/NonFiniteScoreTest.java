package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * An encoder whose output is NaN for some images (src/test/resources/onnx/bad/nan-output.onnx:
 * NaN when the first normalised pixel is above 1, i.e. a white top-left pixel here) served in
 * sketch mode: alone, that image gets a clear 400 {@code non_finite_score}, never a NaN score; in a
 * batch (Funqy {@code /scoreBatch}, multipart {@code /v1/score/batch}) it gets an error entry at its
 * place in {@code results} and the other images are scored.
 */
@QuarkusTest
@TestProfile(NonFiniteScoreTest.NanModel.class)
class NonFiniteScoreTest {

    static final Path DIR = Path.of("target", "test-models");

    public static final class NanModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            writePackage();
            return Map.of("jepa.model.dir", DIR.toString(), "jepa.model.packages", "nan-model");
        }
    }

    static void writePackage() {
        try {
            Path pkg = Files.createDirectories(DIR.resolve("nan-model"));
            Files.copy(Path.of("src/test/resources/onnx/bad/nan-output.onnx"), pkg.resolve("encoder.onnx"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(pkg.resolve("model.json"), """
                    {"id": "nan-model", "version": "0.0.1",
                     "input": {"channels": 1, "height": 8, "width": 8, "resize": "bilinear",
                               "scale": 0.00392156862745098, "mean": [0.0], "std": [0.25]},
                     "encoder": {"file": "encoder.onnx", "input": "pixels", "output": "embedding"},
                     "embeddingDim": 4, "eps": 1e-6, "defaultMode": "sketch",
                     "sketch": {"directions": 8, "step": 0.1, "seed": 1},
                     "calibration": {"count": 2, "percentiles": [0, 100], "scores": [-50, 50],
                       "thresholds": {"unusual": {"low": -40, "high": 40}, "outlier": {"low": -45, "high": 45}}}}
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] grey(int topLeft) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.getRaster().setSample(x, y, 0, 20 + 3 * (x + y));
            }
        }
        image.getRaster().setSample(0, 0, 0, topLeft);
        return TestImages.encode(image, "png");
    }

    @Test
    void image_with_nan_output_fails_with_a_clear_code() {
        given().contentType("image/png").body(grey(255))
                .when().post("/v1/score")
                .then().statusCode(400)
                .body("error.code", equalTo("non_finite_score"))
                .body("error.message", containsString("model nan-model gives the image a NaN or infinite sketch score"));
    }

    /** Funqy batch: the NaN image gets an error entry at its place, the images around it are scored. */
    @Test
    void in_a_batch_the_failing_image_gets_an_error_entry_and_the_others_are_scored() {
        String good = java.util.Base64.getEncoder().encodeToString(grey(10));
        String bad = java.util.Base64.getEncoder().encodeToString(grey(255));
        String other = java.util.Base64.getEncoder().encodeToString(grey(40));
        given().contentType(ContentType.JSON).body(Map.of("images", java.util.List.of(good, bad, other)))
                .when().post("/scoreBatch")
                .then().statusCode(200)
                .body("results", hasSize(3))
                .body("results[0].mode", equalTo("sketch"))
                .body("results[0].jepaScore", notNullValue())
                .body("results[0].error", nullValue())
                .body("results[1].index", equalTo(1))
                .body("results[1].error.code", equalTo("non_finite_score"))
                .body("results[1].error.message", containsString("model nan-model gives images[1] a NaN or infinite "
                        + "sketch score"))
                .body("results[1].jepaScore", nullValue())
                .body("results[2].model.id", equalTo("nan-model"))
                .body("results[2].jepaScore", notNullValue());
    }

    /** Multipart batch: the same per-image entry, with the score of the good image what it gets alone. */
    @Test
    void multipart_batch_scores_the_good_image_as_alone() {
        double alone = given().contentType("image/png").body(grey(10))
                .when().post("/v1/score")
                .then().statusCode(200)
                .extract().jsonPath().getDouble("jepaScore");
        double inBatch = given().multiPart("image", "bad.png", grey(255), "image/png")
                .multiPart("image", "good.png", grey(10), "image/png")
                .when().post("/v1/score/batch")
                .then().statusCode(200)
                .body("results[0].index", equalTo(0))
                .body("results[0].error.code", equalTo("non_finite_score"))
                .body("results[0].error.message", containsString("images[0]"))
                .extract().jsonPath().getDouble("results[1].jepaScore");
        // same seeded directions; batched encoder runs may round differently in float32
        assertEquals(alone, inBatch, 1e-4);
    }

    /** Every image failing on its own still answers per image, not with a request error. */
    @Test
    void a_batch_of_only_failing_images_answers_each() {
        String bad = java.util.Base64.getEncoder().encodeToString(grey(255));
        given().contentType(ContentType.JSON).body(Map.of("images", java.util.List.of(bad, bad)))
                .when().post("/scoreBatch")
                .then().statusCode(200)
                .body("results.error.code", equalTo(java.util.List.of("non_finite_score", "non_finite_score")))
                .body("results.index", equalTo(java.util.List.of(0, 1)));
    }

    /** A single image keeps the 400 when sent as base64 JSON too. */
    @Test
    void single_image_function_keeps_the_400() {
        given().contentType(ContentType.JSON).body(Map.of("image", java.util.Base64.getEncoder().encodeToString(grey(255))))
                .when().post("/score")
                .then().statusCode(400)
                .body("error.code", equalTo("non_finite_score"))
                .body("error.message", containsString("gives the image a NaN or infinite sketch score"));
    }

    @Test
    void images_with_finite_output_are_scored() {
        given().contentType("image/png").body(grey(10))
                .when().post("/v1/score")
                .then().statusCode(200)
                .body("mode", equalTo("sketch"))
                .body("model.id", equalTo("nan-model"));
    }
}
