package dev.jepascore.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.RestAssured;

/**
 * POSTs a large body to the application under test with the JDK's HTTP client. RestAssured is kept for everything
 * else, but it spends 26-44 s sending one 20 MiB body where this client takes 0.3-1.5 s (measured side by side in
 * one test run on the 2-core machine), which made the body-limit tests the slowest of the suite.
 */
public final class LoopbackHttp {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private LoopbackHttp() {
    }

    /** The status and body of an answer; {@link #json()} parses the body with full double precision. */
    public record Answer(int status, String body) {

        public JsonNode json() {
            return EventTestSupport.json(body);
        }

        /** The {@code error.code} of an error answer. */
        public String errorCode() {
            return json().path("error").path("code").asText();
        }
    }

    /** POSTs {@code body} as {@code contentType} to {@code path} on the test port. */
    public static Answer post(String path, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " of " + body.length + " bytes failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while posting to " + path, e);
        }
    }
}
