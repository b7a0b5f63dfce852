package dev.jepascore.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.event.ParsedEvent;
import dev.jepascore.event.StorageEventParser;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.job.ScoringReport;
import dev.jepascore.telemetry.TraceContexts;
import io.opentelemetry.context.Scope;

import io.quarkus.funqy.Funq;

/** Storage-event entry point. */
public class ObjectCreatedFunction {

    @Inject
    ObjectScoringJob job;

    /**
     * Triggered when objects land in a bucket: S3 notification records (AWS, MinIO, Ceph RGW), EventBridge
     * {@code Object Created}, GCS {@code object.v1.finalized} and Azure {@code BlobCreated} CloudEvents in structured
     * mode, as delivered. Scores every created object, writes one result (or failure) document per object version
     * and returns one line per object: {@code scored}, {@code failed}, {@code skipped} or {@code duplicate}.
     * Served over HTTP at {@code POST /onObjectCreated}; failures answer {@code {"error": {...}}} through
     * {@link ErrorMapping}: 400 for a malformed event, 503 while storage is unavailable (redeliver).
     */
    @Funq("onObjectCreated")
    public ScoringReport onObjectCreated(JsonNode event) {
        ParsedEvent parsed = StorageEventParser.parse(event);
        // a structured CloudEvent carries its trace as the distributed-tracing extension attribute
        try (Scope trace = TraceContexts.enter(event.path("tracestate").asText(null),
                event.path("traceparent").asText(null))) {
            return job.process(parsed);
        }
    }
}
