package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static dev.jepascore.testing.EventTestSupport.onDemandScore;
import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.inject.Inject;

import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.admission.Admission;
import dev.jepascore.score.ScoreMetrics;
import dev.jepascore.score.ScoringService;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jepascore.function.ResourceFailureTest;

import dev.jepascore.image.TestImages;
import dev.jepascore.testing.Readiness;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A failing ONNX run (injected) answers 500 with a JSON error that says so; nothing hangs or crashes, and a storage
 * event that meets it writes no document, so its redelivery scores the object.
 */
@QuarkusTest
class ModelFailureTest {

    @Inject
    ModelConfig config;

    @Inject
    ServedModels models;

    @Inject
    ImageDecoder decoder;

    @Inject
    ImageConfig imageConfig;

    @Inject
    ScoreMetrics metrics;

    @Inject
    Admission admission;

    /** The function's scoring service over {@code model} instead of the served models. */
    private void serve(ModelRuntime model) {
        QuarkusMock.installMockForType(new ScoringService(new ServedModels(List.of(model)), decoder, imageConfig,
                metrics, admission), ScoringService.class);
    }

    /** A failing model installed while the start-up warm-up still ran would fail the start, not the request. */
    @BeforeEach
    void startedUp() {
        Readiness.awaitUp();
    }

    @Test
    void inference_failure_is_500_inference_failed_with_a_message() {
        ModelRuntime failing = new ModelRuntime(config, models.defaultModel().packageDir()) {
            @Override
            public ScorerOutput score(float[] pixels, int batch) {
                throw new ModelException(ErrorCode.INFERENCE_FAILED, "scorer run failed for a batch of " + batch
                        + ": injected failure");
            }
        };
        failing.open();
        try {
            serve(failing);
            given().contentType("image/png").body(TestImages.picture("png", 28, 28)).when().post("/v1/score")
                    .then().statusCode(500)
                    .body("error.code", equalTo("inference_failed"))
                    .body("error.message", containsString("injected failure"));
        } finally {
            failing.close();
        }
    }

    @Test
    void model_failure_on_an_event_is_500_writes_no_document_and_redelivery_scores_it() throws IOException {
        byte[] image = png(72);
        String key = "resource/model.png";
        byte[] event = ResourceFailureTest.put(key, image);
        AtomicInteger failures = new AtomicInteger(1);
        ModelRuntime real = models.defaultModel();
        ModelRuntime failingOnce = new ModelRuntime(config, real.packageDir()) {
            @Override
            public ScorerOutput score(float[] pixels, int batch) {
                if (failures.getAndDecrement() > 0) {
                    throw new ModelException(ErrorCode.INFERENCE_FAILED, "injected failure");
                }
                return real.score(pixels, batch);
            }
        };
        failingOnce.open();
        try {
            serve(failingOnce);
            post("/onObjectCreated", event).statusCode(500).body("error.code", equalTo("inference_failed"));
            assertFalse(Files.exists(ResourceFailureTest.document(key, image)), "an internal failure was recorded as the object's result");

            post("/onObjectCreated", event).statusCode(200).body("objects[0].outcome", equalTo("scored"));
        } finally {
            failingOnce.close();
        }
        assertEquals(onDemandScore(image), ResourceFailureTest.EventJson.score(ResourceFailureTest.document(key, image)), 0.0);
    }

}
