package dev.jepascore.function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.jepascore.image.TestImages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A client that hangs up while its request waits for a scoring slot: the request is not decoded or scored when its
 * turn comes, and the operator sees it counted as {@code jepa_admission_abandoned_total} in {@code /q/metrics}.
 */
@QuarkusTest
@TestProfile(AbandonedRequestTest.OneSlotLongWait.class)
class AbandonedRequestTest {

    /** One scoring slot, and a wait long enough that the queued request is still waiting when its client leaves. */
    public static class OneSlotLongWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.admission.max-concurrent", "1", "jepa.admission.max-wait", "60s");
        }
    }

    /** Takes seconds to decode (39.7 MP, 16-bit), so it holds the only slot while the second client gives up. */
    private static final byte[] SLOW = TestImages.pngRgba16(7000, 5670);
    private static final byte[] SMALL = TestImages.picture("png", 28, 28);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    MeterRegistry registry;

    private double inside() {
        io.micrometer.core.instrument.Gauge g = registry.find("jepa.admission.inside").gauge();
        return g == null ? 0 : g.value(); // registered when admission first serves a request
    }

    private double scored() {
        return registry.find("jepa.scores").counters().stream().mapToDouble(Counter::count).sum();
    }

    private double abandoned() {
        Counter c = registry.find("jepa.admission.abandoned").counter();
        return c == null ? 0 : c.count();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void request_whose_client_hung_up_while_queued_is_not_scored() throws Exception {
        double scoredBefore = scored();
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(
                () -> given().contentType("image/png").body(SLOW).when().post("/v1/score").statusCode());
        await("the slow request holds the slot", () -> inside() >= 1);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/score HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                    + SMALL.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(SMALL);
            out.flush();
            await("the second request waits for the slot", () -> inside() >= 2);
        } catch (IOException e) {
            throw new AssertionError("could not send the request that is abandoned", e);
        }
        assertEquals(200, first.get(120, TimeUnit.SECONDS), "the slow request is scored");
        await("the abandoned request leaves admission", () -> inside() == 0);
        assertEquals(1.0, abandoned(), "the abandoned request is counted");
        assertEquals(scoredBefore + 1, scored(), "only the request whose client stayed is scored");
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("jepa_admission_abandoned_total 1.0"));
    }
}
