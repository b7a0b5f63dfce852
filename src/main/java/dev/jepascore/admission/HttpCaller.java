package dev.jepascore.admission;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.vertx.ContextLocals;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP caller of the work on the current thread: {@link RequestBodyGuard} keeps each request's response in its
 * Vert.x request context, which the worker thread running the function shares, so admission can see that the
 * client's connection closed while its request waited. Work started elsewhere (the folder watcher, tools) has no
 * such context and counts as a caller that is there.
 */
@ApplicationScoped
public class HttpCaller implements Caller {

    /** Context-local key of the request's {@link HttpServerResponse}. */
    private static final String RESPONSE = HttpCaller.class.getName() + ".response";
    /** Context-local key of the request's {@link Admission.Arrival}, when it is an on-demand scoring request. */
    private static final String ARRIVAL = HttpCaller.class.getName() + ".arrival";

    /** Remembers {@code ctx}'s response for the request's work (called on the request's event-loop context). */
    static void remember(RoutingContext ctx) {
        if (isRequestContext(Vertx.currentContext())) {
            ContextLocals.put(RESPONSE, ctx.response());
        }
    }

    /** Remembers the place {@code arrival} holds for the request's work (called on the request's event-loop context). */
    static void remember(Admission.Arrival arrival) {
        if (isRequestContext(Vertx.currentContext())) {
            ContextLocals.put(ARRIVAL, arrival);
        }
    }

    /** The request's arrival ends as its work enters admission; its headers' time is when it arrived. */
    @Override
    public long admitted(long now) {
        if (!isRequestContext(Vertx.currentContext())) {
            return now;
        }
        Admission.Arrival arrival = ContextLocals.<Admission.Arrival> get(ARRIVAL).orElse(null);
        if (arrival == null) {
            return now;
        }
        arrival.close();
        return Math.min(now, arrival.arrived());
    }

    @Override
    public boolean gone() {
        if (!isRequestContext(Vertx.currentContext())) {
            return false;
        }
        HttpServerResponse response = ContextLocals.<HttpServerResponse> get(RESPONSE).orElse(null);
        return response != null && response.closed();
    }

    /** Context locals exist only on a request's (duplicated) context. */
    private static boolean isRequestContext(Context context) {
        return context != null && io.smallrye.common.vertx.VertxContext.isDuplicatedContext(context);
    }
}
