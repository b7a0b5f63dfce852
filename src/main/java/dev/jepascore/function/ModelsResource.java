package dev.jepascore.function;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.jepascore.score.ScoringService;
import dev.jepascore.score.ModelScorer.ModelInfo;

/** {@code GET /v1/models}: the models this function serves, with their input, K and scoring modes. */
@Path("/v1/models")
@Tag(name = "Models")
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
    @Operation(summary = "The models this function serves, with their input, embedding size and scoring modes")
    @APIResponse(responseCode = "200", description = "The served models", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "bundled", ref = "models")))
    public Models list() {
        return new Models(scoring.modelInfos(), scoring.defaultModel());
    }
}
