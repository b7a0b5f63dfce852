package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.function.Fixtures.Fixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Both bundled models served by one process: models/photo-vit (sketch only, the default here) and
 * models/fmnist-lejepa (exact and sketch), with the storage bucket {@code garments} mapped to the Fashion-MNIST
 * model. Each request gets the model it names and that model's own score: the Fashion-MNIST model's equals the
 * paper's PyTorch listing (1e-3, as {@link GoldenScoreTest}), photo-vit's what package-model recorded for its
 * fixture (1e-3, as {@link PackagedModelServedTest}). photo-vit sketch-scores about 0.5 s per image on a loaded
 * 2-core machine, so only a few images go through it.
 */
@QuarkusTest
@TestProfile(MultiModelTest.TwoModels.class)
class MultiModelTest {

    private static final double TOLERANCE = 1e-3;
    private static final Path PHOTO_FIXTURES = Path.of("models", "photo-vit", "fixtures");
    private static final Path ROOT = Path.of("target/test-data");

    /** Both bundled packages, photo-vit the default, bucket {@code garments} scored by the Fashion-MNIST model. */
    public static final class TwoModels implements QuarkusTestProfile {
        /** The test configuration also when the packaged app runs it (the native integration test). */
        @Override
        public String getConfigProfile() {
            return dev.jepascore.testing.ConfiguredAsTests.PROFILE;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.model.packages", "fmnist-lejepa,photo-vit", "jepa.model.id", "photo-vit",
                    "jepa.storage.bucket-models.garments", "fmnist-lejepa");
        }
    }

    private static JsonNode photoFixture() throws IOException {
        return new ObjectMapper().readTree(PHOTO_FIXTURES.resolve("reference.json").toFile()).get("fixtures").get(0);
    }

    @Test
    void the_same_image_gets_each_named_models_own_score() throws IOException {
        Fixture garment = Fixtures.all().get(0);
        JsonNode fmnist = json(given().contentType("image/png").body(garment.png())
                .when().post("/v1/score?model=fmnist-lejepa")
                .then().statusCode(200)
                .body("model.id", equalTo("fmnist-lejepa")).body("model.version", equalTo("1.0.0"))
                .body("mode", equalTo("exact"))
                .extract().asString());
        assertEquals(garment.jepaScore(), fmnist.path("jepaScore").asDouble(), TOLERANCE,
                "the Fashion-MNIST model's score of its own fixture, against the PyTorch listing");

        JsonNode photo = photoFixture();
        byte[] png = Files.readAllBytes(PHOTO_FIXTURES.resolve(photo.get("file").asText()));
        double photoScore = given().contentType("image/png").body(png)
                .when().post("/v1/score?model=photo-vit")
                .then().statusCode(200).body("model.id", equalTo("photo-vit")).body("mode", equalTo("sketch"))
                .extract().jsonPath().getDouble("jepaScore");
        assertEquals(photo.get("jepaScore").asDouble(), photoScore, PackagedModelServedTest.SKETCH_ACROSS_CPUS,
                "photo-vit's recorded fixture score");

        // the photograph through the other model, named in the Funqy JSON: that model's answer, not photo-vit's
        JsonNode other = json(given().contentType("application/json")
                .body(Map.of("image", Base64.getEncoder().encodeToString(png), "model", "fmnist-lejepa"))
                .when().post("/score")
                .then().statusCode(200).body("model.id", equalTo("fmnist-lejepa")).body("mode", equalTo("exact"))
                .extract().asString());
        double rest = given().contentType("image/png").body(png).when().post("/v1/score?model=fmnist-lejepa")
                .then().statusCode(200).extract().jsonPath().getDouble("jepaScore");
        assertEquals(rest, other.path("jepaScore").asDouble(), 1e-4, "same model, same bytes, two entry points");
        assertTrue(Math.abs(other.path("jepaScore").asDouble() - photoScore) > 1.0,
                "two different models gave the photograph the same score: " + photoScore);
    }

    @Test
    void a_request_naming_no_model_gets_the_default_model() throws IOException {
        JsonNode photo = photoFixture();
        byte[] png = Files.readAllBytes(PHOTO_FIXTURES.resolve(photo.get("file").asText()));
        double score = given().contentType("image/png").body(png)
                .when().post("/v1/score")
                .then().statusCode(200).body("model.id", equalTo("photo-vit")).body("model.version", equalTo("1.0.0"))
                .extract().jsonPath().getDouble("jepaScore");
        assertEquals(photo.get("jepaScore").asDouble(), score, PackagedModelServedTest.SKETCH_ACROSS_CPUS);
    }

    @Test
    void batches_are_scored_by_the_model_they_name() {
        List<Fixture> fixtures = Fixtures.all().subList(0, 2);
        List<Float> scores = given().multiPart("image", "a.png", fixtures.get(0).png(), "image/png")
                .multiPart("image", "b.png", fixtures.get(1).png(), "image/png")
                .when().post("/v1/score/batch?model=fmnist-lejepa")
                .then().statusCode(200)
                .body("results", hasSize(2)).body("results.model.id", equalTo(List.of("fmnist-lejepa", "fmnist-lejepa")))
                .extract().jsonPath().getList("results.jepaScore", Float.class);
        for (int i = 0; i < 2; i++) {
            assertEquals(fixtures.get(i).jepaScore(), scores.get(i), TOLERANCE);
        }
        List<String> b64 = fixtures.stream().map(f -> Base64.getEncoder().encodeToString(f.png())).toList();
        given().contentType("application/json").body(Map.of("images", b64, "model", "fmnist-lejepa"))
                .when().post("/scoreBatch")
                .then().statusCode(200).body("results.model.id", equalTo(List.of("fmnist-lejepa", "fmnist-lejepa")));
    }

    @Test
    void an_unknown_model_is_400_naming_it_and_the_served_models() {
        byte[] png = Fixtures.all().get(0).png();
        for (var call : List.of(
                given().contentType("image/png").body(png).when().post("/v1/score?model=dinov2-vits14").then(),
                given().multiPart("image", "a.png", png, "image/png").when().post("/v1/score/batch?model=dinov2-vits14")
                        .then(),
                given().contentType("application/json")
                        .body(Map.of("image", Base64.getEncoder().encodeToString(png), "model", "dinov2-vits14"))
                        .when().post("/score").then(),
                given().contentType("application/json")
                        .body(Map.of("images", List.of(Base64.getEncoder().encodeToString(png)), "model", "dinov2-vits14"))
                        .when().post("/scoreBatch").then())) {
            call.statusCode(400)
                    .body("error.code", equalTo("unknown_model"))
                    .body("error.message", allOf(containsString("'dinov2-vits14'"), containsString("fmnist-lejepa"),
                            containsString("photo-vit")));
        }
    }

    @Test
    void exact_mode_of_photo_vit_runs_its_generated_scorer_graph() {
        byte[] png = Fixtures.all().get(0).png();
        given().contentType("image/png").body(png).when().post("/v1/score?model=photo-vit&mode=exact")
                .then().statusCode(200).body("mode", equalTo("exact")).body("model.id", equalTo("photo-vit"));
        given().contentType("image/png").body(png).when().post("/v1/score?model=fmnist-lejepa&mode=exact")
                .then().statusCode(200).body("mode", equalTo("exact"));
    }

    @Test
    void models_endpoint_lists_both_models_and_the_default() {
        given().when().get("/v1/models")
                .then().statusCode(200)
                .body("defaultModel", equalTo("photo-vit"))
                .body("models.id", equalTo(List.of("fmnist-lejepa", "photo-vit")))
                .body("models.default", equalTo(List.of(false, true)))
                .body("models.version", equalTo(List.of("1.0.0", "1.0.0")))
                .body("models.embeddingDim", equalTo(List.of(64, 32)))
                .body("models.input.channels", equalTo(List.of(1, 3)))
                .body("models.input.height", equalTo(List.of(28, 64)))
                .body("models.modes", equalTo(List.of(List.of("exact", "sketch", "signals"), List.of("exact", "sketch", "signals"))))
                .body("models.defaultMode", equalTo(List.of("exact", "sketch")))
                .body("models.sketchDirections", equalTo(List.of(116, 83)))
                .body("models.calibrationSize", equalTo(List.of(5000, 346)));
    }

    @Test
    void readiness_names_every_served_model() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'model' }.data.id", equalTo("photo-vit"))
                .body("checks.find { it.name == 'model' }.data.models", equalTo("fmnist-lejepa 1.0.0, photo-vit 1.0.0"));
    }

    /**
     * An object landing in {@code garments} is scored by the Fashion-MNIST model (the bucket's mapping), one in
     * {@code uploads} by the default photo-vit; each result document names the model and version that scored it.
     */
    @Test
    void storage_events_use_the_buckets_model_and_the_document_names_it() throws IOException {
        Fixture garment = Fixtures.all().get(1);
        byte[] image = garment.png();
        String key = "multi-model/" + System.nanoTime() + "/garment.png"; // fresh: earlier runs' documents stay
        for (String bucket : List.of("garments", "uploads")) {
            Path file = ROOT.resolve(bucket).resolve(key);
            Files.createDirectories(file.getParent());
            Files.write(file, image);
        }
        JsonNode mapped = json(post("/onObjectCreated", s3Event("garments", key, md5(image),
                image.length)).statusCode(200).body("objects[0].outcome", equalTo("scored")).extract().asString())
                .path("objects").path(0);
        JsonNode document = json(Files.readString(ROOT.resolve(mapped.path("resultBucket").asText())
                .resolve(mapped.path("resultKey").asText())));
        assertEquals("fmnist-lejepa", document.path("model").path("id").asText(), document.toString());
        assertEquals("1.0.0", document.path("model").path("version").asText());
        assertEquals("exact", document.path("mode").asText());
        assertEquals(garment.jepaScore(), document.path("jepaScore").asDouble(), TOLERANCE);

        JsonNode fallback = json(post("/onObjectCreated", s3Event("uploads", key, md5(image),
                image.length)).statusCode(200).body("objects[0].outcome", equalTo("scored")).extract().asString())
                .path("objects").path(0);
        JsonNode other = json(Files.readString(ROOT.resolve(fallback.path("resultBucket").asText())
                .resolve(fallback.path("resultKey").asText())));
        assertEquals("photo-vit", other.path("model").path("id").asText(), other.toString());
        assertEquals("sketch", other.path("mode").asText());
        double onDemand = json(given().contentType("image/png").body(image).when().post("/v1/score?model=photo-vit")
                .then().statusCode(200).extract().asString()).path("jepaScore").asDouble();
        assertEquals(onDemand, other.path("jepaScore").asDouble(), 0.0, "the document holds photo-vit's on-demand score");
    }
}
