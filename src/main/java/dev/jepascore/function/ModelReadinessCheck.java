package dev.jepascore.function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.jepascore.model.ModelRuntime;

/** {@code /q/health/ready} is UP once the model is loaded and warmed up; it names the model and the provider. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ModelRuntime model;

    public ModelReadinessCheck(ModelRuntime model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("model")
                .status(model.ready())
                .withData("id", model.manifest().id())
                .withData("version", model.manifest().version())
                .withData("provider", model.provider())
                .withData("exactScorer", model.hasExactScorer())
                .withData("availableProviders", String.join(",", model.availableProviders()))
                .build();
    }
}
