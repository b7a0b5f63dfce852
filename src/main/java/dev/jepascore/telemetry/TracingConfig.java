package dev.jepascore.telemetry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether spans are recorded and exported. */
@ConfigMapping(prefix = "jepa.tracing")
public interface TracingConfig {

    /**
     * Record spans (event, read, decode, score, write, actions) and export them as the OpenTelemetry SDK's standard
     * settings say: {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_EXPORTER}
     * (default {@code otlp}), {@code OTEL_TRACES_SAMPLER}. Off: no span is recorded, but a {@code traceparent}
     * that arrives with an event is still passed on to the flagged-object events it causes.
     */
    @WithDefault("false")
    boolean enabled();
}
