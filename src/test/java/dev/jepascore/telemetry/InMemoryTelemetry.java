package dev.jepascore.telemetry;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * The OpenTelemetry SDK with every ended span kept in memory, in place of {@link Telemetry}'s for the test profiles
 * that enable this alternative: the spans a request caused can then be read back by the test.
 */
@Alternative
@Singleton
public class InMemoryTelemetry {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();

    public InMemorySpanExporter spans() {
        return spans;
    }

    @Produces
    @Singleton
    OpenTelemetry openTelemetry() {
        return sdk;
    }

    @Produces
    @Singleton
    Tracer tracer() {
        return sdk.getTracer(Telemetry.SCOPE);
    }
}
