package dev.jepascore.function;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.jepascore.startup.StartupWork;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Holds HTTP requests that arrive while the model is still loading (the server listens before it is ready,
 * {@link StartupWork}) until it is ready, without blocking an event loop; after {@code jepa.startup.request-wait}
 * they are answered 503 {@code model_loading} with {@code Retry-After}. Quarkus's own endpoints under {@code /q/}
 * (health, metrics) are never held: readiness must be able to answer DOWN.
 */
@ApplicationScoped
public class StartupGate {

    private static final String QUARKUS_ENDPOINTS = "/q/";

    private final StartupWork startup;
    private final Vertx vertx;

    public StartupGate(StartupWork startup, Vertx vertx) {
        this.startup = startup;
        this.vertx = vertx;
    }

    /** After the body handler (the body is buffered and charged by {@link dev.jepascore.admission.RequestBodyGuard}), before the functions. */
    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::hold);
    }

    private void hold(RoutingContext ctx) {
        if (startup.ready() || ctx.request().path().startsWith(QUARKUS_ENDPOINTS)) {
            ctx.next();
            return;
        }
        Context context = vertx.getOrCreateContext();
        AtomicBoolean answered = new AtomicBoolean();
        long timer = vertx.setTimer(startup.waitMillis(), id -> {
            if (answered.compareAndSet(false, true)) {
                ctx.fail(startup.notReadyFailure());
            }
        });
        startup.whenDone((done, failure) -> context.runOnContext(v -> {
            if (answered.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                if (failure == null) {
                    ctx.next();
                } else {
                    ctx.fail(StartupWork.failed(failure));
                }
            }
        }));
    }
}
