package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.function.Fixtures.Fixture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A model package without a reference set (no {@code signals} section) still serves JEPA-SCORE, and every result
 * says that the embedding signals are absent: no distances, no outlier score, label from JEPA-SCORE's bands.
 */
@QuarkusTest
@TestProfile(NoReferenceSetTest.WithoutReferenceSet.class)
class NoReferenceSetTest {

    /** The bundled package copied without its reference set and with the signals section removed. */
    public static class WithoutReferenceSet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path root = Path.of("target", "no-reference-models");
            Path pkg = root.resolve("fmnist-lejepa");
            Path bundled = Path.of("models", "fmnist-lejepa");
            try {
                Files.createDirectories(pkg);
                for (String file : List.of("encoder.onnx", "scorer.onnx")) {
                    Files.copy(bundled.resolve(file), pkg.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
                ObjectMapper json = new ObjectMapper();
                ObjectNode manifest = (ObjectNode) json.readTree(bundled.resolve("model.json").toFile());
                manifest.remove("signals");
                json.writeValue(pkg.resolve("model.json").toFile(), manifest);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the package without a reference set", e);
            }
            return Map.of("jepa.model.dir", root.toString());
        }
    }

    @Test
    void jepa_score_is_served_and_the_result_says_the_embedding_signals_are_absent() {
        Fixture f = Fixtures.all().get(0);
        String body = given().contentType("image/png").body(f.png()).when().post("/v1/score")
                .then().statusCode(200).extract().asString();
        JsonPath result = JsonPath.from(body);
        assertEquals(f.jepaScore(), result.getDouble("jepaScore"), 1e-3);
        assertTrue(body.contains("\"outlierScore\":null") && body.contains("\"outlierPercentile\":null"), body);
        assertTrue(body.contains("\"knn\":null") && body.contains("\"mahalanobis\":null"), body);
        assertTrue(result.getString("signals.absent").contains("no reference set"), body);
        assertEquals(result.getDouble("jepaScore"), result.getDouble("signals.jepa.score"), 0);
        assertEquals("typical", result.getString("label"), "test-00000 is inside JEPA-SCORE's bands");
        assertEquals(List.of(), result.getList("reasons"));
    }

    @Test
    void flags_come_from_jepa_score_alone_and_name_it() {
        // odd-uniform-noise lies above JEPA-SCORE's unusual band (reference.json: -199.4 > -199.8, the 95.5th percentile)
        Fixture noise = Fixtures.all().stream().filter(x -> x.name().equals("odd-uniform-noise")).findFirst().orElseThrow();
        JsonPath result = given().contentType("image/png").body(noise.png()).when().post("/v1/score")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("high", result.getString("tail"));
        assertEquals(List.of("jepa"), result.getList("reasons"));
        assertTrue(result.getString("signals.absent").contains("no reference set"));
    }
}
