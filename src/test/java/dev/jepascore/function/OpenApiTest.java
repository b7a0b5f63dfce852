package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.testing.EventTestSupport;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code GET /q/openapi}: every REST endpoint and Funqy function is described, every example it references exists,
 * and the examples are what the function answers today (same fields; the same numbers where they are deterministic).
 */
@QuarkusTest
class OpenApiTest {

    private static JsonNode openapi() {
        return EventTestSupport.json(given().queryParam("format", "json").when().get("/q/openapi").then()
                .statusCode(200).extract().asString());
    }

    @Test
    void openapi_lists_every_endpoint_with_its_method() {
        JsonNode paths = openapi().path("paths");
        for (String[] op : new String[][] { { "/v1/score", "post" }, { "/v1/score/batch", "post" },
                { "/v1/events", "post" }, { "/v1/models", "get" }, { "/v1/report", "get" }, { "/score", "post" },
                { "/scoreBatch", "post" }, { "/onObjectCreated", "post" } }) {
            assertTrue(paths.path(op[0]).has(op[1]), op[1] + " " + op[0] + " is described: " + paths.fieldNames());
            assertTrue(paths.path(op[0]).path(op[1]).path("summary").asText().length() > 10, op[0] + " has a summary");
        }
        assertTrue(paths.path("/v1/report").path("get").path("responses").has("404"));
    }

    @Test
    void every_example_reference_resolves_to_a_json_body() {
        JsonNode doc = openapi();
        JsonNode examples = doc.path("components").path("examples");
        List<String> refs = new ArrayList<>();
        collectRefs(doc.path("paths"), refs);
        assertTrue(refs.size() >= 10, "examples referenced: " + refs);
        for (String ref : refs) {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            JsonNode value = examples.path(name).path("value");
            assertTrue(value.isObject(), ref + " resolves to a JSON object");
        }
    }

    @Test
    void examples_are_what_the_function_answers() throws IOException {
        JsonNode examples = openapi().path("components").path("examples");
        byte[] image = Files.readAllBytes(Fixtures.DIR.resolve("test-00000.png"));
        JsonNode live = EventTestSupport.onDemand(image);
        JsonNode example = examples.path("scoreResult").path("value");
        assertEquals(fields(live), fields(example));
        assertEquals(live.path("jepaScore").asDouble(), example.path("jepaScore").asDouble(), 1e-6,
                "the example's score is the fixture's score");
        assertEquals(live.path("label"), example.path("label"));
        assertEquals(live.path("signals").path("knn").path("distance").asDouble(),
                example.path("signals").path("knn").path("distance").asDouble(), 1e-5);
        JsonNode models = EventTestSupport.json(given().when().get("/v1/models").then().statusCode(200).extract().asString());
        assertEquals(models, examples.path("models").path("value"));
        JsonNode refused = EventTestSupport.json(given().when().get("/v1/report?bucket=nope").then().statusCode(403)
                .extract().asString());
        assertEquals(refused, examples.path("bucketNotAllowed").path("value"));
        JsonNode notAnImage = EventTestSupport.json(given().contentType("image/png").body("# jepa-score".getBytes())
                .when().post("/v1/score").then().statusCode(400).extract().asString());
        assertEquals(notAnImage.path("error").path("code"), examples.path("notAnImage").path("value").path("error").path("code"));
        JsonNode batch = examples.path("batchResult").path("value").path("results");
        assertEquals(2, batch.size());
        assertEquals(fields(live), fields(batch.get(0)));
        JsonNode scored = examples.path("eventScored").path("value").path("objects").get(0);
        assertEquals("scored", scored.path("outcome").asText());
        assertEquals("duplicate", examples.path("eventDuplicate").path("value").path("objects").get(0).path("outcome").asText());
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.asText().startsWith("#/components/examples/")) {
                refs.add(ref.asText());
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                collectRefs(it.next(), refs);
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
