package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * models/photo-vit, a ViT nobody wrote a Jacobian for, packaged by {@code package-model} from its
 * encoder.onnx alone, served by the function: sketch mode by default, the score package-model
 * recorded for each of its fixtures (same seeded directions; tolerance 1e-3, against a sketch
 * error sd of model.json {@code sketch.predictedSd}), and a clear 400 for {@code mode=exact}.
 */
@QuarkusTest
@TestProfile(PackagedModelServedTest.PhotoVit.class)
class PackagedModelServedTest {

    private static final Path MODEL = Path.of("models", "photo-vit");

    public static final class PhotoVit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.model.id", "photo-vit");
        }
    }

    @Test
    void fixtures_score_in_sketch_mode_as_package_model_recorded() throws IOException {
        JsonNode fixtures = new ObjectMapper().readTree(MODEL.resolve("fixtures").resolve("reference.json").toFile())
                .get("fixtures");
        for (JsonNode f : fixtures) {
            byte[] png = Files.readAllBytes(MODEL.resolve("fixtures").resolve(f.get("file").asText()));
            double score = given().contentType("image/png").body(png)
                    .when().post("/v1/score")
                    .then().statusCode(200)
                    .body("model.id", equalTo("photo-vit"))
                    .body("mode", equalTo("sketch"))
                    .extract().jsonPath().getDouble("jepaScore");
            assertEquals(f.get("jepaScore").asDouble(), score, 1e-3, f.get("file").asText());
        }
    }

    @Test
    void exact_mode_is_refused_for_a_model_without_a_scorer_graph() throws IOException {
        JsonNode first = new ObjectMapper().readTree(MODEL.resolve("fixtures").resolve("reference.json").toFile())
                .get("fixtures").get(0);
        given().contentType("image/png").body(Files.readAllBytes(MODEL.resolve("fixtures").resolve(first.get("file").asText())))
                .when().post("/v1/score?mode=exact")
                .then().statusCode(400)
                .body("error.code", equalTo("mode_unavailable"))
                .body("error.message", containsString("model photo-vit has no scorer graph"));
    }
}
