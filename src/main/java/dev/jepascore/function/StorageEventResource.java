package dev.jepascore.function;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.InputStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import dev.jepascore.event.BadEventException;
import dev.jepascore.event.ParsedEvent;
import dev.jepascore.event.StorageEventParser;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.job.ScoringReport;
import dev.jepascore.telemetry.TraceContexts;
import io.opentelemetry.context.Scope;

/**
 * The storage-event function for senders that use CloudEvents binary mode over plain HTTP (Eventarc, Knative
 * brokers): the event type and source travel in {@code ce-type}, {@code ce-source}, {@code ce-subject} headers and
 * the body is only the event data, which Funqy's HTTP binding cannot see. Without {@code ce-type} the body is read
 * exactly as {@code POST /onObjectCreated} reads it.
 */
@Path("/v1/events")
@Tag(name = "Storage events")
public class StorageEventResource {

    @Inject
    ObjectScoringJob job;

    @Inject
    ObjectMapper json;

    /** Same work and answer as {@code onObjectCreated}. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Score the objects a storage event names (CloudEvents binary mode, or any event body)",
            description = "The same work and answer as POST /onObjectCreated; with ce-type the body is the "
                    + "CloudEvent's data. 503 asks the sender to redeliver.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "s3Put", ref = "storageEvent")))
    @APIResponse(responseCode = "200", description = "What happened to each object", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = {
                    @ExampleObject(name = "scored", ref = "eventScored"),
                    @ExampleObject(name = "redelivered", ref = "eventDuplicate") }))
    public ScoringReport receive(@HeaderParam("ce-type") String type, @HeaderParam("ce-source") String source,
            @HeaderParam("ce-subject") String subject, @HeaderParam("Content-Length") Long contentLength,
            @HeaderParam("traceparent") String traceparent, @HeaderParam("tracestate") String tracestate,
            @HeaderParam("ce-traceparent") String ceTraceparent, InputStream body) throws IOException {
        JsonNode data = read(RequestBodies.read(body, contentLength));
        ParsedEvent event = type == null
                ? StorageEventParser.parse(data)
                : StorageEventParser.parseCloudEvent(type, source, subject, data);
        try (Scope trace = TraceContexts.enter(tracestate, traceparent, ceTraceparent,
                data.path("traceparent").asText(null))) {
            return job.process(event);
        }
    }

    private JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw new BadEventException(ErrorCode.EMPTY_EVENT, "The event body is empty; expected a storage event as JSON");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
            throw new BadEventException(ErrorCode.MALFORMED_EVENT, "The event body is not valid JSON" + reason, e);
        }
    }
}
