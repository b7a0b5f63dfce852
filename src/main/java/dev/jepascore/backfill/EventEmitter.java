package dev.jepascore.backfill;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.event.ObjectRef;
import dev.jepascore.storage.RetryingObjectStore;

/**
 * {@code --emit-events URL}: posts one S3 notification ({@code {"Records": [...]}}, the shape
 * {@code StorageEventParser} reads, key form-URL-encoded as S3 sends it) per object to a deployed function, which
 * scores it with the same job and answers with the outcome. 429, 502, 503 and 504 answers and connection failures are
 * retried with doubling pauses, at least the {@code Retry-After} the function asked for; in-flight requests are
 * bounded by the backfill's thread pool.
 */
final class EventEmitter implements Function<ObjectRef, Answer> {

    private static final Logger LOG = Logger.getLogger(EventEmitter.class);
    /** Attempts per event, the first included. */
    static final int MAX_ATTEMPTS = 8;
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    /** A Retry-After beyond this is capped: a backfill should not stall for hours on one answer. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    /** Longer than the 60 s request timeout of the deploy/ targets, so their own answer arrives first. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    static final String EVENT_NAME = "ObjectCreated:Backfill";

    private final HttpClient http;
    private final URI target;
    private final ObjectMapper json;
    private final LongAdder retried = new LongAdder();

    EventEmitter(URI target, ObjectMapper json) {
        this.target = target;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Requests sent again after a 429/5xx answer or a connection failure. */
    long retried() {
        return retried.sum();
    }

    @Override
    public Answer apply(ObjectRef ref) {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event(ref))).build();
        String last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                retried.increment();
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = "connection: " + e.getClass().getSimpleName();
                LOG.debugf("%s: %s (attempt %d of %d)", ref, e, attempt, MAX_ATTEMPTS);
                ScoreAction.pause(pause(null, attempt, Instant.now()));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer("unanswered: interrupted", Answer.Severity.RETRY);
            }
            int status = response.statusCode();
            if (status == 429 || status == 502 || status == 503 || status == 504) {
                last = "HTTP " + status + errorCode(response.body());
                Duration pause = pause(response.headers().firstValue("Retry-After").orElse(null), attempt, Instant.now());
                LOG.debugf("%s: %s, again in %d ms (attempt %d of %d)", ref, last, pause.toMillis(), attempt, MAX_ATTEMPTS);
                ScoreAction.pause(pause);
                continue;
            }
            return answer(ref, status, response.body());
        }
        LOG.warnf("%s: no answer after %d attempts (last: %s); nothing recorded", ref, MAX_ATTEMPTS, last);
        return new Answer("unanswered: " + last, Answer.Severity.RETRY);
    }

    private Answer answer(ObjectRef ref, int status, byte[] body) {
        if (status >= 400) {
            String what = "HTTP " + status + errorCode(body);
            LOG.warnf("%s: the function answered %s", ref, what);
            return new Answer((status < 500 ? "refused: " : "failed, to retry: ") + what,
                    status < 500 ? Answer.Severity.REFUSED : Answer.Severity.RETRY);
        }
        JsonNode object;
        try {
            object = json.readTree(body).path("objects").path(0);
        } catch (IOException e) {
            return new Answer("failed, to retry: HTTP " + status + " answer not JSON", Answer.Severity.RETRY);
        }
        return answer(object, status);
    }

    private static Answer answer(JsonNode object, int status) {
        String outcome = object.path("outcome").asText("");
        return switch (outcome) {
            case "scored" -> Answer.ok("scored");
            case "duplicate" -> Answer.ok("already had a document");
            case "skipped" -> Answer.ok("skipped: under the results prefix");
            case "failed" -> new Answer("failed, recorded: " + object.path("error").path("code").asText("?"),
                    Answer.Severity.RECORDED_FAILURE);
            case "superseded" -> {
                // replaced between the listing and the read: the function handled the version it read
                Answer current = answer(object.path("current"), status);
                yield new Answer("replaced since listed, current version " + current.label(), current.severity());
            }
            default -> new Answer("failed, to retry: HTTP " + status + " without an outcome", Answer.Severity.RETRY);
        };
    }

    private String errorCode(byte[] body) {
        try {
            String code = json.readTree(body).path("error").asText("");
            return code.isEmpty() ? "" : " " + code;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The notification for one object, as S3 would send it for a new upload. */
    byte[] event(ObjectRef ref) {
        ObjectNode record = json.createObjectNode();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("eventTime", Instant.now().toString());
        record.put("eventName", EVENT_NAME);
        ObjectNode s3 = record.putObject("s3");
        s3.putObject("bucket").put("name", ref.bucket());
        ObjectNode object = s3.putObject("object");
        object.put("key", URLEncoder.encode(ref.key(), StandardCharsets.UTF_8));
        if (ref.size() != null && ref.size() >= 0) {
            object.put("size", ref.size());
        }
        if (ref.versionTag() != null) {
            object.put("eTag", ref.versionTag());
        }
        ObjectNode event = json.createObjectNode();
        event.putArray("Records").add(record);
        try {
            return json.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise the event for " + ref, e);
        }
    }

    /**
     * The pause before attempt {@code attempt + 1}: doubling from {@link #FIRST_PAUSE} up to {@link #MAX_PAUSE} with up
     * to 20 % jitter (so that many senders do not come back at once), and never less than {@code Retry-After} (seconds
     * or an HTTP date), itself capped at {@link #MAX_RETRY_AFTER}.
     */
    static Duration pause(String retryAfter, int attempt, Instant now) {
        Duration backoff = RetryingObjectStore.backoff(attempt, FIRST_PAUSE, MAX_PAUSE);
        backoff = backoff.plusMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() / 5 + 1));
        Duration asked = retryAfter(retryAfter, now);
        return asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    /** The wait a {@code Retry-After} value asks for, zero when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        Duration asked;
        try {
            asked = Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                asked = at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (DateTimeParseException notADate) {
                return Duration.ZERO;
            }
        }
        return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
    }
}
