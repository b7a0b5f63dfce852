package dev.jepascore.function;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.jepascore.score.ScoringService;
import dev.jepascore.score.ModelScorer.ModelInfo;

/** {@code GET /v1/models}: the models this function serves, with their input, K and scoring modes. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    private final ScoringService scoring;

    public ModelsResource(ScoringService scoring) {
        this.scoring = scoring;
    }

    /** @param models every served model, in serving order; @param defaultModel the id requests naming none get */
    public record Models(List<ModelInfo> models, String defaultModel) {
    }

    @GET
    public Models list() {
        return new Models(scoring.modelInfos(), scoring.defaultModel());
    }
}
