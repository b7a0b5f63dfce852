package dev.jepascore.score;

import dev.jepascore.ErrorCode;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Counters and the latency histogram exposed at {@code /q/metrics}. */
@ApplicationScoped
public class ScoreMetrics {

    private final MeterRegistry registry;
    private final Timer latency;

    public ScoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("jepa.score.latency")
                .description("Wall time of one scoring request, from bytes to results")
                .publishPercentileHistogram()
                .register(registry);
    }

    void scored(ScoreResult result) {
        Counter.builder("jepa.scores").description("Images scored")
                .tag("mode", result.mode().json()).tag("label", result.label().json())
                .register(registry).increment();
    }

    void failed(ErrorCode code) {
        Counter.builder("jepa.score.failures").description("Scoring requests that failed, by error code")
                .tag("code", code.code()).register(registry).increment();
    }

    void latency(long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
