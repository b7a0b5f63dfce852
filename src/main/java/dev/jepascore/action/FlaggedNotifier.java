package dev.jepascore.action;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.JepaException;
import dev.jepascore.event.ObjectRef;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Sends {@value #TYPE} CloudEvents (binary mode, built and written by the CloudEvents Java SDK) to a sink over HTTP:
 * the Knative sink a SinkBinding names in {@code K_SINK}, or any URL. Retried with doubling pauses on 5xx, 408, 429
 * and connection failures; a 2xx is delivered. The event id is derived from the object version, so a sink can drop
 * the copy a redelivery may send after an answer was lost.
 */
final class FlaggedNotifier {

    private static final Logger LOG = Logger.getLogger(FlaggedNotifier.class);
    /** The type of the event sent for a flagged object. */
    static final String TYPE = "dev.jepascore.object.flagged";
    /** The {@code source} attribute, the same as the replies of the Knative build. */
    static final String SOURCE = "/jepa-score";

    private final HttpClient http;
    private final ObjectMapper json;

    FlaggedNotifier(ObjectMapper json) {
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The event for one flagged object version; {@code trace} becomes its {@code traceparent} extension. */
    CloudEvent event(ObjectRef version, ScoredVerdict verdict, String resultBucket, String resultKey,
            SpanContext trace) {
        ObjectNode data = json.createObjectNode();
        data.set("object", json.valueToTree(version));
        data.put("label", verdict.label().json());
        data.put("outlierPct", verdict.outlierPct());
        for (String field : new String[] { "jepaScore", "percentile", "outlierScore", "outlierPercentile", "reasons",
                "model", "mode" }) {
            if (verdict.document().has(field)) {
                data.set(field, verdict.document().get(field));
            }
        }
        data.put("resultBucket", resultBucket);
        data.put("resultKey", resultKey);
        CloudEventBuilder builder = CloudEventBuilder.v1().withId(eventId(version)).withType(TYPE)
                .withSource(URI.create(SOURCE)).withSubject(version.bucket() + "/" + version.key())
                .withTime(OffsetDateTime.now(ZoneOffset.UTC)).withDataContentType("application/json")
                .withData(bytes(data));
        if (trace != null && trace.isValid()) {
            builder.withExtension("traceparent", traceparent(trace));
        }
        return builder.build();
    }

    /**
     * Posts the event; returns what a reader of the document wants to know (id, sink, status, attempts).
     *
     * @throws ActionException {@code sink_unavailable} (retriable) when every attempt failed in a way that may pass,
     *                         {@code sink_refused} when the sink answered 4xx
     */
    String send(URI sink, ActionsConfig.Notify settings, CloudEvent event) {
        HttpRequest.Builder request = HttpRequest.newBuilder(sink).timeout(settings.timeout());
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter(request::header, b -> body[0] = b).writeBinary(event);
        Object traceparent = event.getExtension("traceparent");
        if (traceparent != null) {
            request.header("traceparent", traceparent.toString()); // W3C header beside ce-traceparent
        }
        request.POST(HttpRequest.BodyPublishers.ofByteArray(body[0] == null ? new byte[0] : body[0]));
        HttpRequest built = request.build();
        String last = null;
        for (int attempt = 1;; attempt++) {
            Integer status = null;
            try {
                HttpResponse<Void> response = http.send(built, HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return "event " + event.getId() + " to " + sink + ": HTTP " + status
                            + (attempt > 1 ? " at attempt " + attempt : "");
                }
                last = "HTTP " + status;
                if (status < 500 && status != 408 && status != 429) {
                    throw new ActionException(ErrorCode.SINK_REFUSED, "the sink " + sink
                            + " refused event " + event.getId() + " with " + last, null);
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(sink, event, attempt, "interrupted", e);
            }
            if (attempt >= settings.attempts()) {
                throw unavailable(sink, event, attempt, last, null);
            }
            Duration pause = pause(attempt, settings.initialBackoff());
            LOG.warnf("Sending %s to %s failed (attempt %d of %d: %s), retrying in %d ms", event.getId(), sink, attempt,
                    settings.attempts(), last, pause.toMillis());
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(sink, event, attempt, "interrupted", e);
            }
        }
    }

    /** Pause before retry {@code retry} (1-based): doubling from the initial pause, at most 32 times it. */
    static Duration pause(int retry, Duration initial) {
        return initial.multipliedBy(1L << Math.min(retry - 1, 5));
    }

    private static ActionException unavailable(URI sink, CloudEvent event, int attempts, String last, Throwable cause) {
        return new ActionException(ErrorCode.SINK_UNAVAILABLE, "could not deliver event "
                + event.getId() + " to " + sink + " in " + attempts + " attempts; last: " + last, cause);
    }

    /** W3C trace context {@code 00-<trace id>-<span id>-<flags>}. */
    static String traceparent(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /** The same id for every send about one object version (what a sink deduplicates on). */
    static String eventId(ObjectRef version) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((TYPE + "\n" + version.bucket() + "\n"
                    + version.key() + "\n" + version.versionTag()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private byte[] bytes(ObjectNode data) {
        try {
            return json.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the flagged event's data", e);
        }
    }
}
