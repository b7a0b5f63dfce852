package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.image.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The finding that started the admission work: a legal 39.7-megapixel 16-bit RGBA PNG (about 320 KB on disk, 318 MB
 * as a raster) sent by several clients at once. With a decoding budget that fits one such image, every answer is a
 * score or a 503 {@code overloaded} with {@code Retry-After} — never {@code image_corrupt}, never a 500 — and storage
 * events that were turned away record nothing, so their redelivery scores the objects.
 */
@QuarkusTest
@TestProfile(MemoryOverloadTest.OneLargeImageAtATime.class)
class MemoryOverloadTest {

    static final Path ROOT = Path.of("target/overload-test-data");
    private static final byte[] LARGE = TestImages.pngRgba16(7000, 5670);
    /** Few: each admitted decode of this image takes seconds of CPU; the reliability suite runs the large numbers. */
    private static final int ON_DEMAND = 3;
    private static final int EVENTS = 1;

    /**
     * The budget of the first admission work, which charged this image its full raster (635 MiB); the streamed PNG
     * decode is now charged its rows, so the slots and the wait are what turns clients away.
     */
    public static class OneLargeImageAtATime implements QuarkusTestProfile {
        /** The test configuration also when the packaged app runs it (the native integration test). */
        @Override
        public String getConfigProfile() {
            return dev.jepascore.testing.ConfiguredAsTests.PROFILE;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.storage.local.root", ROOT.toString(),
                    "jepa.admission.memory-budget", "1000M",
                    "jepa.admission.max-wait", "500ms");
        }
    }

    @Test
    void concurrent_large_pngs_get_scores_or_fast_503s_and_events_are_scored_on_redelivery() throws Exception {
        assertTrue(LARGE.length < 400_000, "the test image should be small on disk: " + LARGE.length);
        Path uploads = ROOT.resolve("uploads");
        Files.createDirectories(uploads.resolve("large"));
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Files.write(uploads.resolve("large/rgba16-" + i + ".png"), LARGE);
            events.add(s3Event("uploads", "large/rgba16-" + i + ".png", md5(LARGE), LARGE.length));
        }

        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < ON_DEMAND; i++) {
            calls.add(() -> given().contentType("image/png").body(LARGE).when().post("/v1/score"));
        }
        for (byte[] event : events) {
            calls.add(() -> given().contentType("application/json").body(event).when().post("/onObjectCreated"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(calls.size());
        List<Response> answers = new ArrayList<>();
        try {
            for (Future<Response> f : clients.invokeAll(calls)) {
                answers.add(f.get());
            }
        } finally {
            clients.shutdownNow();
        }

        int scored = 0;
        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Response r = answers.get(i);
            JsonNode body = json(r.asString());
            if (r.statusCode() == 200) {
                scored++;
                continue;
            }
            assertEquals(503, r.statusCode(), () -> "neither a score nor overloaded: " + r.asString());
            assertEquals("overloaded", body.path("error").path("code").asText(), r.asString());
            assertEquals("2", r.header("Retry-After"));
            if (i >= ON_DEMAND) {
                refused.add(i - ON_DEMAND);
            }
        }
        assertTrue(scored >= 1, "at least one request must be admitted and scored");

        for (int i : refused) {
            assertFalse(Files.exists(document(uploads, i)), "a refused event recorded a document");
            String again = given().contentType("application/json").body(events.get(i)).when().post("/onObjectCreated")
                    .then().statusCode(200).extract().asString();
            assertEquals("scored", json(again).path("objects").path(0).path("outcome").asText(), again);
        }
        for (int i = 0; i < events.size(); i++) {
            JsonNode document = json(Files.readString(document(uploads, i)));
            assertEquals("scored", document.path("outcome").asText(), "object " + i);
        }
    }

    private static Path document(Path uploads, int i) throws IOException {
        // the local store's results directory of its own, beside the uploads directory
        return uploads.resolveSibling("jepa-results").resolve("jepa-scores/uploads/large/rgba16-" + i + ".png@"
                + md5(LARGE) + ".json");
    }
}
