package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.TestImages;
import dev.jepascore.testing.Readiness;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void readiness_is_up_with_the_model_and_provider() {
        Readiness.awaitUp();
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("model"))
                .body("checks.find { it.name == 'model' }.data.id", equalTo("fmnist-lejepa"))
                .body("checks.find { it.name == 'model' }.data.provider", equalTo("cpu"));
    }

    @Test
    void metrics_count_scores_failures_and_latency() {
        given().contentType("image/png").body(TestImages.picture("png", 50, 40)).when().post("/v1/score")
                .then().statusCode(200);
        given().contentType("image/png").body("nope".getBytes()).when().post("/v1/score")
                .then().statusCode(400);
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jepa_scores_total{"))
                .body(containsString("jepa_score_failures_total{code=\"not_an_image\""))
                .body(containsString("jepa_score_latency_seconds_bucket{"));
    }

    @Test
    void a_colour_photo_of_another_size_is_resized_and_scored() {
        given().contentType("image/jpeg").body(TestImages.picture("jpg", 640, 480)).when().post("/v1/score")
                .then().statusCode(200)
                .body("model.version", org.hamcrest.Matchers.notNullValue())
                .body("timingsMs.batchSize", equalTo(1));
    }
}
