package dev.jepascore.telemetry;

import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The trace an incoming event belongs to, from W3C trace context: the HTTP {@code traceparent} header, or the
 * CloudEvents distributed-tracing extension ({@code ce-traceparent} in binary mode, the {@code traceparent} attribute
 * in structured mode). A malformed value (attacker-written, like every header) is ignored: the event starts its own
 * trace.
 */
public final class TraceContexts {

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContexts() {
    }

    /**
     * Makes the first valid {@code traceparent} of {@code candidates} the current context's parent (with the
     * {@code tracestate} that came with it), until the returned scope is closed; a no-op scope when none is valid
     * or a trace is already current.
     */
    public static Scope enter(String tracestate, String... candidates) {
        if (Span.current().getSpanContext().isValid()) {
            return Scope.noop();
        }
        for (String traceparent : candidates) {
            if (traceparent == null || traceparent.isBlank()) {
                continue;
            }
            Map<String, String> carrier = tracestate == null ? Map.of("traceparent", traceparent.strip())
                    : Map.of("traceparent", traceparent.strip(), "tracestate", tracestate);
            Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, GETTER);
            if (Span.fromContext(context).getSpanContext().isValid()) {
                return context.makeCurrent();
            }
        }
        return Scope.noop();
    }
}
