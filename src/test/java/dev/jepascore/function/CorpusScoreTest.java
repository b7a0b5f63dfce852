package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.Corpus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The decoder corpus over HTTP ({@code POST /v1/score}, the bundled model): every valid image is scored (200, a
 * finite JEPA-SCORE), never refused; every damaged copy is answered 200 or 4xx, never 5xx. The short form
 * ({@code -Dcorpus.scale=1}, 161 valid and 161 damaged images); the reliability suite's {@code corpus} scenario
 * posts the full one to the packaged application.
 */
@QuarkusTest
class CorpusScoreTest {

    static final int SCALE = Integer.getInteger("corpus.scale", 1);

    @Test
    void every_valid_image_is_scored_and_every_damaged_copy_is_a_result_or_a_client_error() {
        List<Corpus.Sample> valid = Corpus.valid(SCALE);
        List<String> refused = new ArrayList<>();
        for (Corpus.Sample s : valid) {
            Response r = given().contentType("application/octet-stream").body(s.bytes()).when().post("/v1/score");
            if (r.statusCode() != 200 || !Double.isFinite(r.jsonPath().getDouble("jepaScore"))) {
                refused.add(s.cls() + " " + s.name() + ": " + r.statusCode() + " " + r.asString());
            }
        }
        assertTrue(refused.isEmpty(), refused.size() + " of " + valid.size() + " valid images not scored:\n"
                + String.join("\n", refused.subList(0, Math.min(20, refused.size()))));

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        for (Corpus.Sample s : Corpus.mutated(valid, 1, 7)) {
            int status = given().contentType("application/octet-stream").body(s.bytes()).when().post("/v1/score")
                    .statusCode();
            statuses.merge(status, 1, Integer::sum);
            if (status >= 500) {
                serverErrors.add(s.cls() + " " + s.name() + ": " + status);
            }
        }
        System.out.printf("corpus over HTTP: %d valid images scored; damaged copies answered %s%n", valid.size(),
                statuses);
        assertTrue(serverErrors.isEmpty(), String.join("\n", serverErrors));
    }
}
