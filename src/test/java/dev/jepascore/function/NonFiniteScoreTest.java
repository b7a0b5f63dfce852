package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
 * sketch mode: that image gets a clear 400 {@code non_finite_score} naming it, never a NaN score;
 * other images of the same model are scored.
 */
@QuarkusTest
@TestProfile(NonFiniteScoreTest.NanModel.class)
class NonFiniteScoreTest {

    static final Path DIR = Path.of("target", "test-models");

    public static final class NanModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            writePackage();
            return Map.of("jepa.model.dir", DIR.toString(), "jepa.model.id", "nan-model");
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

    @Test
    void in_a_batch_the_failing_image_is_named() {
        String good = java.util.Base64.getEncoder().encodeToString(grey(10));
        String bad = java.util.Base64.getEncoder().encodeToString(grey(255));
        given().contentType(ContentType.JSON).body(Map.of("images", java.util.List.of(good, bad)))
                .when().post("/scoreBatch")
                .then().statusCode(400)
                .body("error.code", equalTo("non_finite_score"))
                .body("error.message", containsString("images[1]"));
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
