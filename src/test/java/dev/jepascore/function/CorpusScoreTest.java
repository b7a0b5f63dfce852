package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.image.Corpus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The decoder corpus over HTTP ({@code POST /v1/score/batch}, the bundled model): every valid image is scored (a
 * finite JEPA-SCORE), never refused; every damaged copy is its own result or error entry, and no batch is answered
 * 5xx. The short form ({@code -Dcorpus.scale=1}, 156 valid and 156 damaged images, 16 per request); the reliability
 * suite's {@code corpus} scenario posts the full corpus one image per request to the packaged application.
 */
@QuarkusTest
class CorpusScoreTest {

    static final int SCALE = Integer.getInteger("corpus.scale", 1);

    /** Images per {@code POST /v1/score/batch}: shared model runs keep the short form well under a minute. */
    static final int BATCH = 16;

    @Test
    void every_valid_image_is_scored_and_every_damaged_copy_is_a_result_or_a_client_error() {
        List<Corpus.Sample> valid = Corpus.valid(SCALE);
        List<String> refused = new ArrayList<>();
        Map<String, Integer> damagedAnswers = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        for (List<Corpus.Sample> batch : batches(valid)) {
            Response r = post(batch);
            String body = r.asString();
            JsonNode results = r.statusCode() == 200 ? json(body).path("results") : null;
            for (int i = 0; i < batch.size(); i++) {
                Corpus.Sample s = batch.get(i);
                JsonNode entry = results == null ? null : results.path(i);
                if (entry == null || entry.has("error") || !entry.path("jepaScore").isNumber()
                        || !Double.isFinite(entry.path("jepaScore").asDouble())) {
                    refused.add(s.cls() + " " + s.name() + ": " + r.statusCode() + " "
                            + (entry == null ? body : entry.path("error").toString()));
                }
            }
        }
        assertTrue(refused.isEmpty(), refused.size() + " of " + valid.size() + " valid images not scored:\n"
                + String.join("\n", refused.subList(0, Math.min(20, refused.size()))));

        List<Corpus.Sample> damaged = Corpus.mutated(valid, 1, 7);
        for (List<Corpus.Sample> batch : batches(damaged)) {
            Response r = post(batch);
            if (r.statusCode() != 200) {
                serverErrors.add(batch.get(0).name() + "...: the batch was answered " + r.statusCode() + " " + r.asString());
                continue;
            }
            JsonNode results = json(r.asString()).path("results");
            for (int i = 0; i < batch.size(); i++) {
                JsonNode code = results.path(i).path("error").path("code");
                damagedAnswers.merge(code.isMissingNode() ? "scored" : code.asText(), 1, Integer::sum);
            }
        }
        System.out.printf("corpus over HTTP: %d valid images scored; %d damaged copies answered %s%n", valid.size(),
                damaged.size(), damagedAnswers);
        assertTrue(serverErrors.isEmpty(), String.join("\n", serverErrors));
    }

    private static List<List<Corpus.Sample>> batches(List<Corpus.Sample> samples) {
        List<List<Corpus.Sample>> out = new ArrayList<>();
        for (int from = 0; from < samples.size(); from += BATCH) {
            out.add(samples.subList(from, Math.min(samples.size(), from + BATCH)));
        }
        return out;
    }

    private static Response post(List<Corpus.Sample> batch) {
        io.restassured.specification.RequestSpecification request = given();
        for (Corpus.Sample s : batch) {
            request = request.multiPart("image", "image", s.bytes(), "application/octet-stream");
        }
        return request.when().post("/v1/score/batch");
    }
}
