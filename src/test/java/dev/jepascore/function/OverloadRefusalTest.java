package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.TestImages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * While the only slot holds work expected to take longer than {@code max-wait}, an on-demand request is refused on
 * arrival: 503 {@code overloaded} with {@code Retry-After}, answered {@code refusal-delay} after its body came (so
 * clients that retry at once cannot keep the CPU on refusals), and the work in the slot is still scored.
 */
@QuarkusTest
@TestProfile(OverloadRefusalTest.OneSlotPacedRefusals.class)
class OverloadRefusalTest {

    static final long REFUSAL_DELAY_MS = 300;

    public static class OneSlotPacedRefusals implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.admission.max-concurrent", "1", "jepa.admission.max-wait", "200ms",
                    "jepa.admission.refusal-delay", REFUSAL_DELAY_MS + "ms");
        }
    }

    /** 39.7 MP, 16-bit: hundreds of milliseconds to decode each, expected so from its header alone. */
    private static final byte[] SLOW = TestImages.pngRgba16(7000, 5670);
    private static final byte[] SMALL = TestImages.picture("png", 28, 28);
    private static final int HELD_IMAGES = 8;

    @Inject
    MeterRegistry registry;

    private double inside() {
        io.micrometer.core.instrument.Gauge g = registry.find("jepa.admission.inside").gauge();
        return g == null ? 0 : g.value();
    }

    private double refusedOnArrival() {
        Counter c = registry.find("jepa.admission.rejected").tag("reason", "queue_too_long").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void request_arriving_behind_work_longer_than_max_wait_gets_a_paced_503_with_retry_after() throws Exception {
        CompletableFuture<Response> held = CompletableFuture.supplyAsync(() -> {
            RequestSpecification batch = given();
            for (int i = 0; i < HELD_IMAGES; i++) {
                batch = batch.multiPart("image", "slow-" + i + ".png", SLOW, "image/png");
            }
            return batch.when().post("/v1/score/batch");
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (inside() < 1) {
            assertTrue(System.nanoTime() < deadline, "the batch of large images never reached admission");
            Thread.sleep(5);
        }
        double refusedBefore = refusedOnArrival();
        long start = System.nanoTime();
        Response refused = given().contentType("image/png").body(SMALL).when().post("/v1/score");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(503, refused.statusCode(), refused.asString());
        assertEquals("overloaded", refused.jsonPath().getString("error.code"), refused.asString());
        assertEquals("2", refused.header("Retry-After"));
        assertTrue(tookMs >= REFUSAL_DELAY_MS, "the refusal came after " + tookMs + " ms, before refusal-delay");
        assertEquals(refusedBefore + 1, refusedOnArrival(), "counted as refused on arrival");

        Response scored = held.get(120, TimeUnit.SECONDS);
        assertEquals(200, scored.statusCode(), scored.asString());
        assertEquals(HELD_IMAGES, scored.jsonPath().getList("results").size(), "the held work is still scored");
        assertEquals(200, given().contentType("image/png").body(SMALL).when().post("/v1/score").statusCode(),
                "once the slot is free a request is scored");
    }
}
