package dev.jepascore.function;

import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.event.CloudEventTypes;
import dev.jepascore.event.StorageEventParser;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.job.ScoringReport;
import dev.jepascore.telemetry.TraceContexts;
import io.opentelemetry.context.Scope;

import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;

/**
 * The storage-event functions of the Knative build (Knative Eventing, Cloud Run with Eventarc): one per CloudEvent
 * type, routed by {@code ce-type} (binary mode) or the {@code type} field (structured mode). Each scores the objects
 * the event names with the same job as {@code onObjectCreated} and replies with a {@link CloudEventTypes#SCORED}
 * event carrying the report. A type no function is mapped to is answered 400 {@code unmapped_event_type} by
 * {@link ErrorMapping}.
 */
public class StorageCloudEventFunctions {

    @Inject
    ObjectScoringJob job;

    /** GCS {@code object.v1.finalized}: bucket from {@code source}, object from the body (the object resource). */
    @Funq("onGcsObjectFinalized")
    @CloudEventMapping(trigger = CloudEventTypes.GCS_FINALIZED, responseType = CloudEventTypes.SCORED,
            responseSource = CloudEventTypes.REPLY_SOURCE)
    public ScoringReport onGcsObjectFinalized(CloudEvent<JsonNode> event) {
        return fromAttributes(event);
    }

    /** Azure {@code BlobCreated}: container and blob path from {@code subject}, eTag and size from the data. */
    @Funq("onAzureBlobCreated")
    @CloudEventMapping(trigger = CloudEventTypes.AZURE_BLOB_CREATED, responseType = CloudEventTypes.SCORED,
            responseSource = CloudEventTypes.REPLY_SOURCE)
    public ScoringReport onAzureBlobCreated(CloudEvent<JsonNode> event) {
        return fromAttributes(event);
    }

    /** S3 notification records relayed as the event's data (several objects, form-URL-encoded keys). */
    @Funq("onS3Notification")
    @CloudEventMapping(trigger = CloudEventTypes.S3_NOTIFICATION, responseType = CloudEventTypes.SCORED,
            responseSource = CloudEventTypes.REPLY_SOURCE)
    public ScoringReport onS3Notification(CloudEvent<JsonNode> event) {
        try (Scope trace = trace(event)) {
            return job.process(StorageEventParser.parse(event.data()));
        }
    }

    private ScoringReport fromAttributes(CloudEvent<JsonNode> event) {
        try (Scope trace = trace(event)) {
            return job.process(StorageEventParser.parseCloudEvent(event.type(), event.source(), event.subject(),
                    event.data()));
        }
    }

    /** The event's trace: its distributed-tracing extension ({@code ce-traceparent}, or the structured attribute). */
    private static Scope trace(CloudEvent<JsonNode> event) {
        Map<String, String> extensions = event.extensions() == null ? Map.of() : event.extensions();
        return TraceContexts.enter(extensions.get("tracestate"), extensions.get("traceparent"));
    }
}
