package dev.jepascore.function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ScoringService;
import dev.jepascore.startup.StartupWork;

/**
 * {@code /q/health/ready} is UP once the model is loaded and the whole scoring path has run once
 * ({@link StartupWork}); it names the model and the execution provider. While the model loads it answers DOWN at
 * once, without waiting for it.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ModelRuntime model;
    private final ScoringService scoring;
    private final StartupWork startup;

    public ModelReadinessCheck(ModelRuntime model, ScoringService scoring, StartupWork startup) {
        this.model = model;
        this.scoring = scoring;
        this.startup = startup;
    }

    @Override
    public HealthCheckResponse call() {
        if (!startup.ready()) {
            return HealthCheckResponse.named("model").down().withData("state", "loading").build();
        }
        return HealthCheckResponse.named("model")
                .status(model.ready() && scoring.warm())
                .withData("id", model.manifest().id())
                .withData("version", model.manifest().version())
                .withData("provider", model.provider())
                .withData("exactScorer", model.hasExactScorer())
                .withData("availableProviders", String.join(",", model.availableProviders()))
                .build();
    }
}
