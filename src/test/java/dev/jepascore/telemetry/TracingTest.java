package dev.jepascore.telemetry;

import static dev.jepascore.testing.EventTestSupport.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jepascore.function.Fixtures;
import dev.jepascore.testing.HttpSink;
import dev.jepascore.testing.HttpSinkResource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A storage event that arrives as a CloudEvent with W3C trace context: every span it causes (event, read, decode,
 * score, write, actions, the notify action) belongs to the incoming trace, and the flagged-object CloudEvent it sends
 * carries that trace on.
 */
@QuarkusTest
@TestProfile(TracingTest.Profile.class)
@QuarkusTestResource(value = HttpSinkResource.class, restrictToAnnotatedClass = true)
class TracingTest {

    private static final Path BUCKET = Path.of("target/test-data/traced");
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(InMemoryTelemetry.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.storage.buckets", "uploads,traced",
                    "jepa.actions.traced.notify.min-label", "unusual",
                    "jepa.actions.traced.notify.url", "${jepa.test.sink.url}");
        }
    }

    @Inject
    InMemoryTelemetry telemetry;

    @BeforeAll
    static void emptyBucket() throws IOException {
        if (Files.exists(BUCKET)) {
            try (var files = Files.walk(BUCKET)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void reset() {
        HttpSink.clear();
        telemetry.spans().reset();
    }

    private static byte[] upload(String key) throws IOException {
        byte[] image = Fixtures.all().stream().filter(f -> f.name().equals("odd-uniform-noise")).findFirst()
                .orElseThrow().png();
        Path file = BUCKET.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, image);
        return image;
    }

    private void assertOneTrace(String key) {
        // the start-up warm-up may still be scoring its own images (decode, score) in traces of their own
        List<SpanData> spans = telemetry.spans().getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(TRACE_ID)).toList();
        Set<String> names = spans.stream().map(SpanData::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(List.of("event", "read", "decode", "score", "write", "actions", "action notify")),
                "spans in the incoming trace: " + names + "; all: " + telemetry.spans().getFinishedSpanItems());
        SpanData event = spans.stream().filter(s -> s.getName().equals("event")).findFirst().orElseThrow();
        assertEquals(PARENT_SPAN, event.getParentSpanId(), "the event span is a child of the sender's span");
        assertEquals(key, event.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("jepa.key")));
        for (String child : List.of("read", "decode", "score", "write", "actions")) {
            SpanData span = spans.stream().filter(s -> s.getName().equals(child)).findFirst().orElseThrow();
            assertEquals(event.getSpanId(), span.getParentSpanId(), child + " is a step of the event");
        }

        List<Map<String, String>> sent = HttpSink.accepted();
        assertEquals(1, sent.size());
        SpanData notify = spans.stream().filter(s -> s.getName().equals("action notify")).findFirst().orElseThrow();
        String outgoing = "00-" + TRACE_ID + "-" + notify.getSpanId() + "-01";
        assertEquals(outgoing, sent.get(0).get("ce-traceparent"), "the flagged event carries the trace on");
        assertEquals(outgoing, sent.get(0).get("traceparent"));
    }

    @Test
    void binary_cloudevent_with_traceparent_puts_every_span_in_its_trace() throws IOException {
        byte[] image = upload("bin/noise.png");
        String body = """
                {"bucket": "traced", "name": "bin/noise.png", "generation": "1733000000000001", "size": "%d"}
                """.formatted(image.length);
        String answer = given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-id", "trace-1")
                .header("ce-type", "google.cloud.storage.object.v1.finalized")
                .header("ce-source", "//storage.googleapis.com/projects/_/buckets/traced")
                .header("ce-subject", "objects/bin/noise.png")
                .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01")
                .body(body).post("/v1/events").then().statusCode(200).extract().asString();
        assertEquals("scored", json(answer).path("objects").path(0).path("outcome").asText(), answer);
        assertOneTrace("bin/noise.png");
    }

    @Test
    void structured_cloudevent_with_traceparent_attribute_puts_every_span_in_its_trace() throws IOException {
        byte[] image = upload("structured/noise.png");
        String event = """
                {"specversion": "1.0", "id": "trace-2", "type": "google.cloud.storage.object.v1.finalized",
                 "source": "//storage.googleapis.com/projects/_/buckets/traced", "subject": "objects/structured/noise.png",
                 "traceparent": "00-%s-%s-01", "datacontenttype": "application/json",
                 "data": {"bucket": "traced", "name": "structured/noise.png", "generation": "1733000000000002",
                          "size": "%d"}}
                """.formatted(TRACE_ID, PARENT_SPAN, image.length);
        given().contentType("application/json").body(event).post("/onObjectCreated").then().statusCode(200);
        assertOneTrace("structured/noise.png");
    }
}
