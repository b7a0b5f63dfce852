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
 * arrival: 503 {@code overloaded} with {@code Retry-After}, answered {@code refusal-delay} after its headers came (so
 * clients that retry at once cannot keep the CPU on refusals) without its body being buffered (instead of
 * {@code 100 Continue} for a client that sends {@code Expect}), and the work in the slot is still scored.
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

    @Test
    void large_bodies_arriving_behind_work_longer_than_max_wait_are_refused_from_their_headers() throws Exception {
        CompletableFuture<Response> held = holdTheSlot();
        double refusedBefore = refusedOnArrival();
        int length = 20_000_000;
        String head = "POST /v1/score HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                + length + "\r\n";

        // a client that asks before sending: the refusal instead of 100 Continue, and no body is ever sent
        long start = System.nanoTime();
        try (java.net.Socket asks = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            asks.setSoTimeout(5_000);
            asks.getOutputStream().write((head + "Expect: 100-continue\r\n\r\n").getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            String answer = new String(asks.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 503"), "503 instead of 100 Continue: " + answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
            assertTrue(answer.contains("\"overloaded\""), answer);
            assertTrue(tookMs >= REFUSAL_DELAY_MS && tookMs < REFUSAL_DELAY_MS + 1000, "answered after " + tookMs
                    + " ms, then the connection was closed");
        }

        // a client that sends its body at once: the same answer, read after its body went out, not a reset
        start = System.nanoTime();
        try (java.net.Socket sends = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            sends.setSoTimeout(5_000);
            java.io.OutputStream out = sends.getOutputStream();
            out.write((head + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[1 << 16];
            for (int sent = 0; sent < length; sent += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, length - sent));
            }
            String answer = new String(sends.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("retry-after: 2"), answer);
            assertTrue(tookMs < REFUSAL_DELAY_MS + 1000, "answered after " + tookMs + " ms");
        }
        assertEquals(refusedBefore + 2, refusedOnArrival(), "both counted as refused on arrival");
        assertEquals(200, held.get(120, TimeUnit.SECONDS).statusCode(), "the held work is still scored");
    }

    /** Starts a batch of large images that holds the only slot for seconds, once it is inside admission. */
    private CompletableFuture<Response> holdTheSlot() throws InterruptedException {
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
        return held;
    }
}
