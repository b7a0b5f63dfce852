package dev.jepascore.function;

import dev.jepascore.ErrorBody;
import dev.jepascore.ErrorCode;

import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.JepaException;
import dev.jepascore.OverloadedException;
import dev.jepascore.event.CloudEventTypes;
import dev.jepascore.admission.AdmissionConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place where failures become HTTP responses, for the REST resources (exception mappers)
 * and for the Funqy functions (a Vert.x failure handler, since Funqy hands thrown exceptions and
 * unreadable JSON to the router). Client mistakes are logged at DEBUG, never at ERROR.
 */
@ApplicationScoped
public class ErrorMapping {

    private static final Logger LOG = Logger.getLogger(ErrorMapping.class);

    private final ObjectMapper json;
    private final String retryAfterSeconds;
    private final long maxBodySize;

    public ErrorMapping(ObjectMapper json, AdmissionConfig admission,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.json = json;
        this.maxBodySize = maxBodySize.asLongValue();
        this.retryAfterSeconds = Long.toString(Math.max(1, admission.retryAfter().toSeconds()));
    }

    @ServerExceptionMapper
    public Response mapJepa(JepaException e) {
        log(e);
        Response.ResponseBuilder response = Response.status(e.kind().httpStatus()).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(e));
        if (e.kind().retriable()) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        return response.build();
    }

    /**
     * The heap ran out outside admitted work (buffering a body, serialising): the function's capacity, not the
     * client's input, so a retriable 503 {@code overloaded} like any other overload.
     */
    @ServerExceptionMapper
    public Response mapOutOfMemory(OutOfMemoryError e) {
        return mapJepa(OverloadedException.outOfMemory("handling the request", e));
    }

    @ServerExceptionMapper
    public Response mapWebApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.REQUEST_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
        LOG.debugf("HTTP %d: %s", status, e.getMessage());
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ErrorBody.of(code, e.getMessage()))
                .build();
    }

    /** Anything else escaping a resource is the function's own failure: 500, logged with its stack. */
    @ServerExceptionMapper
    public Response mapUnexpected(Exception e) {
        if (clientGone(e)) {
            LOG.debugf("client closed the connection: %s", e.getMessage());
            return Response.status(400).build(); // never delivered: the connection is gone
        }
        LOG.errorf(e, "unexpected failure: %s", e.getMessage());
        return Response.status(500).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(ErrorCode.INTERNAL_ERROR, "the function failed: " + e.getClass().getSimpleName()))
                .build();
    }

    /** Installs the failure handler that renders Funqy failures as JSON errors. */
    void installFailureHandler(@Observes Router router) {
        router.route().order(-100).failureHandler(this::onFailure);
    }

    private void onFailure(RoutingContext ctx) {
        if (clientGone(ctx.failure())) {
            // the client hung up mid-request: nobody to answer, nothing of ours failed
            LOG.debugf("client closed the connection on %s", ctx.request().path());
            return;
        }
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        JepaException jepa = findJepa(ctx.failure());
        if (jepa == null && OverloadedException.resourceFailure(ctx.failure()) instanceof OutOfMemoryError) {
            jepa = OverloadedException.outOfMemory("handling the request", ctx.failure());
        }
        if (jepa != null) {
            log(jepa);
            if (jepa.kind().retriable()) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
            }
            respond(ctx, jepa.kind().httpStatus(), ErrorBody.of(jepa));
            return;
        }
        int status = ctx.statusCode();
        if (ctx.failure() == null && status == 404 && isCloudEvent(ctx)) {
            String type = ctx.request().getHeader("ce-type");
            LOG.debugf("CloudEvent of unmapped type %s on %s", type, ctx.request().path());
            respond(ctx, 400, ErrorBody.of(ErrorCode.UNMAPPED_EVENT_TYPE, "no function is mapped to CloudEvent type "
                    + (type == null ? "(the event's 'type')" : "'" + type + "'") + "; storage events of types "
                    + CloudEventTypes.STORAGE_TRIGGERS + " are scored, and a function's own name is also a type"));
            return;
        }
        if (ctx.failure() == null && status == 413) {
            // the HTTP layer refused a body over quarkus.http.limits.max-body-size before any function saw it
            LOG.debugf("HTTP 413 on %s", ctx.request().path());
            respond(ctx, 413, ErrorBody.of(ErrorCode.REQUEST_TOO_LARGE, "the request body is larger than the "
                    + maxBodySize + " bytes this function accepts (quarkus.http.limits.max-body-size)"));
            return;
        }
        if (ctx.failure() == null && (status == 400 || status == 405)) {
            String path = ctx.request().path();
            ErrorBody body = status == 400
                    ? ErrorBody.of(ErrorCode.MALFORMED_JSON, "the body of " + path + " is not JSON of the expected shape")
                    : ErrorBody.of(ErrorCode.METHOD_NOT_ALLOWED, path + " takes POST (or GET with query parameters)");
            LOG.debugf("HTTP %d on %s", status, path);
            respond(ctx, status, body);
            return;
        }
        if (ctx.failure() != null && !ctx.request().path().startsWith("/q/")) {
            LOG.errorf(ctx.failure(), "unexpected failure on %s: %s", ctx.request().path(), ctx.failure().getMessage());
            respond(ctx, 500, ErrorBody.of(ErrorCode.INTERNAL_ERROR,
                    "the function failed: " + ctx.failure().getClass().getSimpleName()));
            return;
        }
        ctx.next();
    }

    /**
     * A CloudEvent in binary ({@code ce-id} header) or structured mode. Funqy's Knative binding answers 404 when no
     * function is mapped to its type, which reads as a wrong address; the address is right and the event is what is
     * not accepted (redelivering it will not help), so it becomes 400 with a body naming the type.
     */
    private static boolean isCloudEvent(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        return ctx.request().getHeader("ce-id") != null
                || (contentType != null && contentType.startsWith("application/cloudevents"));
    }

    private void respond(RoutingContext ctx, int status, ErrorBody body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    /** Whether {@code t} is the connection closing under us (a client that hung up), not a failure of ours. */
    static boolean clientGone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpClosedException || c instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static JepaException findJepa(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JepaException j) {
                return j;
            }
            if (!(c instanceof CompletionException) && !(c.getCause() instanceof JepaException)) {
                return null;
            }
        }
        return null;
    }

    private static void log(JepaException e) {
        if (e.kind().clientError()) {
            LOG.debugf("client error %s: %s", e.code(), e.getMessage());
        } else if (e.kind().retriable()) {
            LOG.warnf("retriable failure %s: %s", e.code(), e.getMessage());
        } else {
            LOG.errorf(e, "failure %s: %s", e.code(), e.getMessage());
        }
    }
}
