package dev.jepascore.telemetry;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * The process's one {@link OpenTelemetry}: the SDK configured from the standard {@code OTEL_*} settings when
 * {@code jepa.tracing.enabled}, else the no-op implementation (context still propagates). Closed at shutdown, which
 * flushes the spans still batched.
 */
@Singleton
public class Telemetry {

    private static final Logger LOG = Logger.getLogger(Telemetry.class);
    /** The instrumentation scope of every span this function records. */
    public static final String SCOPE = "dev.jepascore";

    @Produces
    @Singleton
    OpenTelemetry openTelemetry(TracingConfig config) {
        if (!config.enabled()) {
            return OpenTelemetry.noop();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> java.util.Map.of("otel.service.name", "jepa-score",
                        "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                .disableShutdownHook().build().getOpenTelemetrySdk();
        LOG.info("Tracing on: spans exported as the OTEL_* settings say");
        return sdk;
    }

    @Produces
    @Singleton
    Tracer tracer(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracer(SCOPE);
    }

    void close(@Disposes OpenTelemetry openTelemetry) {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.close();
        }
    }
}
