package dev.jepascore.function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.jepascore.model.ModelRuntime;
import dev.jepascore.score.ScoringService;

/**
 * {@code /q/health/ready} is UP once the model is loaded and the whole scoring path has run once;
 * it names the model and the execution provider.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ModelRuntime model;
    private final ScoringService scoring;

    public ModelReadinessCheck(ModelRuntime model, ScoringService scoring) {
        this.model = model;
        this.scoring = scoring;
    }

    @Override
    public HealthCheckResponse call() {
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
