package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.at;
import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.strings;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.function.Fixtures.Fixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * {@code mode=signals} on the bundled model: one encoder run, k-NN + Mahalanobis + input complexity, no JEPA-SCORE.
 * Its distances are the exact answer's (the embedding of the encoder graph and of the scorer graph agree to float32
 * rounding: within {@link #SAME_EMBEDDING}); its label is the Bonferroni-corrected smallest tail of those signals.
 */
@QuarkusTest
class SignalsModeTest {

    /** The encoder and the scorer graph compute the same embedding; distances over it agree to float32 rounding. */
    private static final double SAME_EMBEDDING = 1e-6;

    @Test
    void signals_answer_has_no_jepa_score_and_the_distances_of_the_exact_answer() {
        List<String> off = new ArrayList<>();
        for (Fixture f : Fixtures.all()) {
            JsonNode exact = score(f, "exact");
            JsonNode signals = score(f, "signals");
            assertEquals("fmnist-lejepa", signals.path("model").path("id").asText(), f.name());
            assertFalse(signals.has("jepaScore"), f.name() + ": jepaScore is absent, not null: " + signals);
            for (String none : List.of("percentile", "outlierScore", "signals.jepa")) {
                assertTrue(at(signals, none).isMissingNode() || at(signals, none).isNull(), f.name() + ": " + none
                        + " " + signals);
            }
            assertTrue(signals.path("signals").path("absent").asText().contains("no JEPA-SCORE"), f.name());
            assertEquals(0.0, signals.path("timingsMs").path("jacobian").asDouble(-1), 0.0, f.name());
            for (String field : List.of("signals.knn.distance", "signals.mahalanobis.distance",
                    "signals.knn.percentile", "signals.mahalanobis.percentile", "embeddingNorm")) {
                double e = at(exact, field).asDouble();
                double v = at(signals, field).asDouble();
                if (!at(signals, field).isNumber() || Math.abs(e - v) > SAME_EMBEDDING * Math.max(1, Math.abs(e))) {
                    off.add(f.name() + " " + field + ": signals " + at(signals, field) + " vs exact " + e);
                }
            }
            assertEquals(at(exact, "signals.complexity.bytes").asInt(), at(signals, "signals.complexity.bytes").asInt(),
                    f.name());
        }
        assertEquals(List.of(), off);
    }

    @Test
    void signals_label_follows_the_corrected_smallest_tail() {
        int flagged = 0;
        for (Fixture f : Fixtures.all()) {
            JsonNode r = score(f, "signals");
            double pct = r.path("outlierPercentile").asDouble();
            String label = r.path("label").asText();
            String expected = pct >= 99 ? "outlier" : pct >= 95 ? "unusual" : "typical";
            assertEquals(expected, label, f.name() + ": outlierPercentile " + pct);
            List<String> reasons = strings(r.path("reasons"));
            assertEquals(!label.equals("typical"), !reasons.isEmpty(), f.name() + ": reasons " + reasons);
            assertTrue(List.of("knn", "mahalanobis", "complexity").containsAll(reasons), f.name() + ": " + reasons);
            if (!label.equals("typical")) {
                flagged++;
            }
        }
        // the fixtures hold blank, noisy and glyph images the distances alone flag
        assertTrue(flagged > 0, "no fixture flagged in mode signals");
    }

    @Test
    void batch_in_signals_mode_keeps_a_bad_image_as_its_own_entry() {
        Fixture f = Fixtures.all().get(0);
        JsonPath r = given().contentType(ContentType.JSON)
                .body(Map.of("images", List.of(Base64.getEncoder().encodeToString(f.png()),
                        Base64.getEncoder().encodeToString("not an image".getBytes())), "mode", "signals"))
                .when().post("/scoreBatch")
                .then().statusCode(200)
                .body("results[0].mode", equalTo("signals"))
                .body("results[1].index", equalTo(1))
                .body("results[1].error.code", equalTo("not_an_image"))
                .extract().jsonPath();
        assertNull(r.get("results[0].jepaScore"));
        assertEquals(at(score(f, "exact"), "signals.knn.distance").asDouble(),
                r.getDouble("results[0].signals.knn.distance"), SAME_EMBEDDING * 10);
    }

    /** The answer of {@code POST /v1/score?mode=}, parsed once with Jackson (full precision, no per-field parse). */
    private static JsonNode score(Fixture f, String mode) {
        JsonNode answer = json(given().contentType("image/png").body(f.png())
                .when().post("/v1/score?mode=" + mode)
                .then().statusCode(200).extract().asString());
        assertEquals(mode, answer.path("mode").asText(), f.name() + ": " + answer);
        return answer;
    }
}
