package dev.jepascore.admission;

import dev.jepascore.ErrorBody;
import dev.jepascore.ErrorCode;

import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bounds what request bodies cost before any function sees them: the HTTP layer buffers every body, so a request
 * is charged its declared length against {@code jepa.admission.body-budget} when it arrives (503 {@code overloaded}
 * at once when it does not fit), and a body that has not fully arrived within {@code jepa.admission.body-timeout}
 * is answered 408 and its connection closed. A form-encoded body (what {@code curl -d} sends) is answered 415 before
 * the HTTP layer tries to parse an image as a form. An on-demand scoring request must also find a place in
 * admission from its headers ({@link Admission#arrive}): one that would wait longer than {@code max-wait} is answered
 * 503 {@code overloaded}, {@code jepa.admission.refusal-delay} after its headers, without taking a worker thread.
 * Every refusal here is made from the headers, its body never buffered: a client sending {@code Expect:
 * 100-continue} gets the refusal instead of {@code 100 Continue}; any other gets it with {@code Connection: close}
 * and its body is dropped as it comes. So in a flood of large bodies every answer comes within about a second and
 * the heap holds only the bodies of admitted requests. Runs before the body is buffered.
 */
@ApplicationScoped
public class RequestBodyGuard {

    private static final Logger LOG = Logger.getLogger(RequestBodyGuard.class);
    /** The semaphore counts KiB. */
    private static final int KIB = 1024;

    private final Semaphore budget;
    private final int budgetKib;
    private final long maxBodyKib;
    private final long timeoutMillis;
    private final long refusalDelayMillis;
    private final String retryAfter;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Vertx vertx;
    private final Admission admission;

    /** Paths of on-demand scoring, refused early when admission is saturated (storage events are not: see guard). */
    private static final java.util.Set<String> ON_DEMAND = java.util.Set.of("/v1/score", "/v1/score/batch", "/score",
            "/scoreBatch");

    public RequestBodyGuard(AdmissionConfig config, ObjectMapper json, MeterRegistry metrics, Vertx vertx,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize, Admission admission) {
        this.admission = admission;
        long bytes = config.bodyBudget().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 4);
        this.budgetKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes / KIB));
        this.budget = new Semaphore(budgetKib);
        this.maxBodyKib = (maxBodySize.asLongValue() + KIB - 1) / KIB;
        this.timeoutMillis = config.bodyTimeout().toMillis();
        this.refusalDelayMillis = config.refusalDelay().toMillis();
        this.retryAfter = Long.toString(Math.max(1, config.retryAfter().toSeconds()));
        this.json = json;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    /** Ahead of Quarkus's body handler ({@code RouteConstants.ROUTE_ORDER_BODY_HANDLER}), which buffers the body. */
    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_BODY_HANDLER - 1).handler(this::guard);
    }

    private void guard(RoutingContext ctx) {
        HttpCaller.remember(ctx);
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED)) {
            // no function takes a form; the HTTP layer would try to parse the image bytes as one and fail
            LOG.debugf("HTTP 415 on %s: form content type", ctx.request().path());
            answerUnread(ctx, 415, ErrorBody.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, ctx.request().path() + " does not take "
                    + MediaType.APPLICATION_FORM_URLENCODED + "; send the image as it is with --data-binary and "
                    + "Content-Type image/png, image/jpeg, ... (or JSON where the call takes JSON)"), false);
            return;
        }
        long declared = declaredKib(ctx);
        if (ON_DEMAND.contains(ctx.request().path()) && HttpMethod.POST.equals(ctx.request().method())) {
            // storage events go through admission as usual: a duplicate or a failure document needs no slot
            Admission.Arrival arrival = admission.arrive(Math.min(declared, maxBodyKib) * KIB);
            if (arrival == null) {
                LOG.debugf("HTTP 503 on %s: the scoring queue is longer than the admission wait", ctx.request().path());
                answerUnread(ctx, 503, ErrorBody.of(ErrorCode.OVERLOADED, "the function is busy: the scoring queue is longer "
                        + "than it can serve within jepa.admission.max-wait; retry later"), true);
                return;
            }
            HttpCaller.remember(arrival);
            ctx.addEndHandler(done -> arrival.close());
        }
        if (declared == 0 || declared > maxBodyKib && declared != Long.MAX_VALUE || ctx.request().isEnded()) {
            ctx.next(); // nothing to buffer, or the HTTP layer refuses it with 413
            return;
        }
        // a body larger than the whole budget gets in only when nothing else is being received
        int kib = (int) Math.min(budgetKib, Math.min(maxBodyKib, declared));
        if (!budget.tryAcquire(kib)) {
            Counter.builder("jepa.admission.rejected").description("Scoring requests answered 503 overloaded, by reason")
                    .tag("reason", "body_memory").register(metrics).increment();
            LOG.warnf("retriable failure overloaded: no memory for a %d KiB request body on %s", kib,
                    ctx.request().path());
            answerUnread(ctx, 503, ErrorBody.of(ErrorCode.OVERLOADED, "the function is busy receiving other requests' bodies; "
                    + "retry later"), false);
            return;
        }
        long timer = vertx.setTimer(timeoutMillis, id -> {
            if (!ctx.request().isEnded() && !ctx.response().ended()) {
                LOG.debugf("request body on %s did not arrive within %d ms", ctx.request().path(), timeoutMillis);
                refuse(ctx, 408, ErrorBody.of(ErrorCode.REQUEST_TIMEOUT, "the request body did not arrive within "
                        + timeoutMillis + " ms (jepa.admission.body-timeout)"));
            }
        });
        ctx.addEndHandler(done -> {
            vertx.cancelTimer(timer);
            budget.release(kib);
        });
        ctx.next();
    }

    private static long declaredKib(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                return (Long.parseLong(length.trim()) + KIB - 1) / KIB;
            } catch (NumberFormatException e) {
                return 0; // the HTTP layer refuses it
            }
        }
        String encoding = ctx.request().getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked") ? Long.MAX_VALUE : 0;
    }

    /**
     * Answers from the headers, without buffering the body, and closes the connection ({@code Connection: close}).
     * A client that sent {@code Expect: 100-continue} gets this answer instead of {@code 100 Continue} and sends no
     * body. Any other client reads its answer only once it has sent its body, and a connection closed on unread data
     * is reset, losing the answer: its body is taken and dropped as it comes (no heap held, at most
     * {@code body-timeout} and the largest body allowed), then the connection is closed. {@code paced}: answered
     * {@code jepa.admission.refusal-delay} after the headers, on a timer, the body left unread meanwhile, so clients
     * that retry at once cannot keep the CPU on refusals.
     */
    private void answerUnread(RoutingContext ctx, int status, ErrorBody body, boolean paced) {
        HttpServerRequest request = ctx.request();
        boolean expectsContinue = "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
        String text = text(body);
        Runnable answer = () -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                return;
            }
            if (status == 503) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfter);
            }
            ctx.response().setStatusCode(status).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                    .putHeader("Connection", "close").end(text).onComplete(done -> {
                        if (expectsContinue || request.isEnded()) {
                            request.connection().close();
                        } else {
                            drainThenClose(request);
                        }
                    });
        };
        if (paced && refusalDelayMillis > 0) {
            vertx.setTimer(refusalDelayMillis, id -> answer.run());
        } else {
            answer.run();
        }
    }

    /** Drops the rest of the request's body as it comes, then closes; a slow or endless body is cut. */
    private void drainThenClose(HttpServerRequest request) {
        long cut = vertx.setTimer(timeoutMillis, id -> request.connection().close());
        long[] left = { maxBodyKib * KIB };
        request.handler(chunk -> {
            left[0] -= chunk.length();
            if (left[0] < 0) {
                request.connection().close();
            }
        }).endHandler(end -> {
            vertx.cancelTimer(cut);
            request.connection().close();
        }).exceptionHandler(e -> request.connection().close());
        request.resume();
    }

    private String text(ErrorBody body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    /** Answers and closes the connection: the rest of the body is not read. */
    private void refuse(RoutingContext ctx, int status, ErrorBody body) {
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                .putHeader("Connection", "close").end(text).onComplete(done -> ctx.request().connection().close());
    }
}
