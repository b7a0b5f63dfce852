package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.event.CloudEventTypes;
import dev.jepascore.testing.HttpSink;
import dev.jepascore.testing.HttpSinkResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The Knative build with a SinkBinding's {@code K_SINK}: an outlier that arrives as a binary-mode CloudEvent with the
 * distributed-tracing extension is scored, and the flagged-object CloudEvent goes to {@code K_SINK} (no URL set) in
 * the same trace.
 */
@QuarkusTest
@Tag("knative")
@TestProfile(KnativeSinkTest.Profile.class)
@QuarkusTestResource(value = HttpSinkResource.class, restrictToAnnotatedClass = true)
class KnativeSinkTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.storage.buckets", "uploads,kn-photos", "jepa.actions.kn-photos.notify.min-label", "outlier",
                    "K_SINK", "${jepa.test.sink.url}");
        }
    }

    @Test
    void flagged_object_is_sent_to_k_sink_in_the_incoming_trace() throws IOException {
        HttpSink.clear();
        byte[] image = Fixtures.all().stream().filter(f -> f.name().equals("odd-checkerboard")).findFirst()
                .orElseThrow().png();
        String key = "kn/" + System.nanoTime() + ".png";
        Path file = Path.of("target/test-data/kn-photos").resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, image);
        String body = """
                {"kind": "storage#object", "name": "%s", "bucket": "kn-photos", "generation": "%d", "size": "%d"}"""
                .formatted(key, System.nanoTime(), image.length);
        String reply = given().header("ce-id", "kn-1").header("ce-specversion", "1.0")
                .header("ce-type", CloudEventTypes.GCS_FINALIZED)
                .header("ce-source", "//storage.googleapis.com/projects/_/buckets/kn-photos")
                .header("ce-subject", "objects/" + key)
                .header("ce-traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
                .contentType("application/json").body(body).when().post("/").then().statusCode(200)
                .extract().asString();
        JsonNode line = json(reply).path("objects").path(0);
        assertEquals("outlier", line.path("label").asText(), reply);
        assertEquals("done", line.path("actions").path(0).path("status").asText(), reply);

        List<Map<String, String>> sent = HttpSink.accepted();
        assertEquals(1, sent.size());
        assertEquals("dev.jepascore.object.flagged", sent.get(0).get("ce-type"));
        assertEquals("kn-photos/" + key, sent.get(0).get("ce-subject"));
        assertEquals(TRACE_ID, sent.get(0).get("ce-traceparent").split("-")[1], "the trace goes on to the sink");
    }
}
