package dev.jepascore.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.TestImages;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/** A failing ONNX run (injected) answers 500 with a JSON error that says so; nothing hangs or crashes. */
@QuarkusTest
class ModelFailureTest {

    @Inject
    ModelConfig config;

    @Test
    void inference_failure_is_500_inference_failed_with_a_message() {
        ModelRuntime failing = new ModelRuntime(config) {
            @Override
            public ScorerOutput score(float[] pixels, int batch) {
                throw new ModelException("inference_failed", "scorer run failed for a batch of " + batch
                        + ": injected failure");
            }
        };
        failing.open();
        try {
            QuarkusMock.installMockForType(failing, ModelRuntime.class);
            given().contentType("image/png").body(TestImages.picture("png", 28, 28)).when().post("/v1/score")
                    .then().statusCode(500)
                    .body("error.code", equalTo("inference_failed"))
                    .body("error.message", containsString("injected failure"));
        } finally {
            failing.close();
        }
    }
}
