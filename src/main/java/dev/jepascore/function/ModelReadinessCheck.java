package dev.jepascore.function;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.jepascore.model.ModelRuntime;
import dev.jepascore.model.ServedModels;
import dev.jepascore.score.ScoringService;
import dev.jepascore.startup.StartupWork;

/**
 * {@code /q/health/ready} is UP once every served model is loaded and each one's whole scoring path has run once
 * ({@link StartupWork}); it names the default model, every served model with its version, and the execution
 * provider. While the models load it answers DOWN at once, without waiting for them.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ServedModels models;
    private final ScoringService scoring;
    private final StartupWork startup;

    public ModelReadinessCheck(ServedModels models, ScoringService scoring, StartupWork startup) {
        this.models = models;
        this.scoring = scoring;
        this.startup = startup;
    }

    @Override
    public HealthCheckResponse call() {
        if (!startup.ready()) {
            return HealthCheckResponse.named("model").down().withData("state", "loading").build();
        }
        ModelRuntime model = models.defaultModel();
        return HealthCheckResponse.named("model")
                .status(models.ready() && scoring.warm())
                .withData("id", model.manifest().id())
                .withData("version", model.manifest().version())
                .withData("models", models.all().stream()
                        .map(m -> m.manifest().id() + " " + m.manifest().version()).collect(Collectors.joining(", ")))
                .withData("provider", model.provider())
                .withData("exactScorer", model.hasExactScorer())
                .withData("availableProviders", String.join(",", models.availableProviders()))
                .build();
    }
}
