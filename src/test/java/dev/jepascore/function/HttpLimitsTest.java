package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.testing.LoopbackHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * What the HTTP layer does with bodies before a function sees them: too large is a 413 with the error JSON, a body
 * that stalls is a 408 and its connection closed, and bodies that do not fit the body budget are a 503 at once.
 */
@QuarkusTest
@TestProfile(HttpLimitsTest.SmallBodyBudget.class)
class HttpLimitsTest {

    /** Room for one 2 MB body, not two; stalled bodies are cut after 1 s. */
    public static class SmallBodyBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jepa.admission.body-budget", "3M", "jepa.admission.body-timeout", "1s");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "quarkus.http.idle-timeout")
    java.time.Duration idleTimeout;

    @jakarta.inject.Inject
    dev.jepascore.storage.StorageConfig storage;

    @Test
    void connection_outlasts_the_longest_storage_event_so_its_answer_is_delivered() {
        // an event held by a frozen S3 works without writing for up to event-budget + one attempt; an idle timeout
        // shorter than that closes the connection and the platform never sees the event's 503
        java.time.Duration longest = storage.retry().eventBudget().plus(storage.retry().attemptTimeout());
        assertTrue(idleTimeout.compareTo(longest) > 0, "quarkus.http.idle-timeout " + idleTimeout
                + " must exceed the longest storage event, " + longest);
    }

    /** A raw HTTP/1.1 request that declares {@code declared} body bytes and sends only {@code sent} of them. */
    private Socket partial(String path, long declared, int sent) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[sent]);
        out.flush();
        return socket;
    }

    /** Reads one answer: its status line and its body (by Content-Length, or until the connection closes). */
    private static String[] answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(headers);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
        String status = headers.isEmpty() ? "(connection closed without an answer)" : headers.substring(0, headers.indexOf("\r\n"));
        return new String[] { status, new String(body, StandardCharsets.UTF_8) };
    }

    @Test
    void stalled_body_is_408_with_json_and_its_connection_closed() throws IOException {
        try (Socket socket = partial("/v1/score", 100_000, 10)) {
            String[] answer = answer(socket);
            assertTrue(answer[0].contains(" 408 "), answer[0]);
            assertEquals("request_timeout", json(answer[1]).path("error").path("code").asText(), answer[1]);
        }
    }

    @Test
    void bodies_beyond_the_body_budget_are_503_overloaded_at_once() throws Exception {
        try (Socket first = partial("/v1/score", 2_000_000, 1000)) {
            Thread.sleep(300); // the server reads the first request's head before the second arrives
            try (Socket second = partial("/score", 2_000_000, 0)) {
                String[] refused = answer(second);
                assertTrue(refused[0].contains(" 503 "), refused[0]);
                JsonNode body = json(refused[1]);
                assertEquals("overloaded", body.path("error").path("code").asText(), refused[1]);
                assertTrue(answer(first)[0].contains(" 408 "), "the stalled first body is cut by the body timeout");
            }
        }
        // the budget is free again
        given().contentType("image/png").body(dev.jepascore.image.TestImages.picture("png", 28, 28)).when()
                .post("/v1/score").then().statusCode(200);
    }

    @Test
    void body_over_the_http_limit_is_413_with_the_error_json() throws IOException {
        for (String path : new String[] { "/v1/score", "/score" }) {
            try (Socket socket = partial(path, 40L << 20, 0)) {
                String[] answer = answer(socket);
                assertTrue(answer[0].contains(" 413 "), path + ": " + answer[0]);
                assertEquals("request_too_large", json(answer[1]).path("error").path("code").asText(),
                        path + ": " + answer[1]);
            }
        }
        LoopbackHttp.Answer whole = LoopbackHttp.post("/score", "application/json", new byte[29 << 20]);
        assertEquals(413, whole.status(), whole.body());
        assertEquals("request_too_large", whole.errorCode(), whole.body());
    }

    @Test
    void client_that_hangs_up_mid_body_is_not_logged_at_error() throws Exception {
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler collector = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    errors.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(collector);
        try {
            for (String path : new String[] { "/v1/score", "/score", "/onObjectCreated" }) {
                partial(path, 50_000, 100).close();
            }
            Thread.sleep(1500); // past the body timeout: whatever the server does with the dead connections is done
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(collector);
        }
        assertEquals(java.util.List.of(), errors, "a client hanging up was logged at ERROR");
    }
}
