package dev.jepascore.score;

import dev.jepascore.ErrorCode;
import dev.jepascore.result.ScoreResult;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

/** Counters and the latency histogram exposed at {@code /q/metrics}, and the spans of the scoring stages. */
@ApplicationScoped
public class ScoreMetrics {

    private final MeterRegistry registry;
    private final Timer latency;
    private final Tracer tracer;

    public ScoreMetrics(MeterRegistry registry) {
        this(registry, OpenTelemetry.noop().getTracer("dev.jepascore"));
    }

    @Inject
    public ScoreMetrics(MeterRegistry registry, Tracer tracer) {
        this.registry = registry;
        this.tracer = tracer;
        this.latency = Timer.builder("jepa.score.latency")
                .description("Wall time of one scoring request, from bytes to results")
                .publishPercentileHistogram()
                .register(registry);
    }

    void scored(ScoreResult result) {
        Counter.builder("jepa.scores").description("Images scored")
                .tag("mode", result.mode().json()).tag("label", result.label().json())
                .tag("model", result.model().id())
                .register(registry).increment();
    }

    void failed(ErrorCode code) {
        Counter.builder("jepa.score.failures").description("Scoring requests that failed, by error code")
                .tag("code", code.code()).register(registry).increment();
    }

    /** A span of one scoring stage ({@code decode}, {@code score}), child of the current one; end it. */
    Span span(String stage, int images) {
        return tracer.spanBuilder(stage).setAttribute("jepa.images", images).startSpan();
    }

    void latency(long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
