package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
            JsonPath exact = score(f, "exact");
            JsonPath signals = given().contentType("image/png").body(f.png())
                    .when().post("/v1/score?mode=signals")
                    .then().statusCode(200)
                    .body("mode", equalTo("signals"))
                    .body("model.id", equalTo("fmnist-lejepa"))
                    .body("jepaScore", nullValue())
                    .body("percentile", nullValue())
                    .body("outlierScore", nullValue())
                    .body("signals.jepa", nullValue())
                    .body("signals.absent", containsString("no JEPA-SCORE"))
                    .body("timingsMs.jacobian", equalTo(0.0f))
                    .extract().jsonPath();
            assertTrue(!signals.getMap("$").containsKey("jepaScore"), f.name() + ": jepaScore is absent, not null");
            for (String field : List.of("signals.knn.distance", "signals.mahalanobis.distance",
                    "signals.knn.percentile", "signals.mahalanobis.percentile", "embeddingNorm")) {
                double e = exact.getDouble(field);
                double s = signals.getDouble(field);
                if (Math.abs(e - s) > SAME_EMBEDDING * Math.max(1, Math.abs(e))) {
                    off.add(f.name() + " " + field + ": signals " + s + " vs exact " + e);
                }
            }
            assertEquals(exact.getInt("signals.complexity.bytes"), signals.getInt("signals.complexity.bytes"), f.name());
        }
        assertEquals(List.of(), off);
    }

    @Test
    void signals_label_follows_the_corrected_smallest_tail() {
        int flagged = 0;
        for (Fixture f : Fixtures.all()) {
            JsonPath r = score(f, "signals");
            double pct = r.getDouble("outlierPercentile");
            String label = r.getString("label");
            String expected = pct >= 99 ? "outlier" : pct >= 95 ? "unusual" : "typical";
            assertEquals(expected, label, f.name() + ": outlierPercentile " + pct);
            List<String> reasons = r.getList("reasons", String.class);
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
        assertEquals(score(f, "exact").getDouble("signals.knn.distance"), r.getDouble("results[0].signals.knn.distance"),
                SAME_EMBEDDING * 10);
    }

    private static JsonPath score(Fixture f, String mode) {
        return given().contentType("image/png").body(f.png())
                .when().post("/v1/score?mode=" + mode)
                .then().statusCode(200).body("mode", equalTo(mode))
                .extract().jsonPath();
    }
}
