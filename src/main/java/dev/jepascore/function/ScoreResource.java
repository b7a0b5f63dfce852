package dev.jepascore.function;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import dev.jepascore.function.ScoreFunction.BatchScoreResponse;
import dev.jepascore.image.SupportedFormats;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.score.ScoringService;

/** Binary uploads: the raw image as the request body, or several images as multipart form parts. */
@Path("/v1/score")
@Tag(name = "Score")
@Produces(MediaType.APPLICATION_JSON)
public class ScoreResource {

    private final ScoringService scoring;

    public ScoreResource(ScoringService scoring) {
        this.scoring = scoring;
    }

    /**
     * {@code POST /v1/score} with the image as body ({@code Content-Type: image/png}, {@code image/jpeg}, ...);
     * {@code ?model=} picks a served model (default {@code jepa.model.id}), {@code ?mode=} exact, sketch or signals.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Score one image sent as the request body",
            description = "The body is the encoded image (" + SupportedFormats.LIST + "); ?model= picks a served model, ?mode=exact|sketch|signals.")
    @RequestBody(required = true, content = @Content(mediaType = "image/png",
            schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "200", description = "The score and verdict", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "typical", ref = "scoreResult")))
    @APIResponse(responseCode = "400", description = "Not an image, corrupt, or a bad mode", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "notAnImage", ref = "notAnImage")))
    @APIResponse(responseCode = "413", description = "Larger than jepa.image.max-bytes or too many pixels")
    @APIResponse(responseCode = "503", description = "Overloaded; retry after Retry-After seconds")
    public ScoreResult score(InputStream body, @HeaderParam("Content-Length") Long contentLength,
            @QueryParam("model") String model, @QueryParam("mode") String mode) throws IOException {
        return scoring.score(RequestBodies.read(body, contentLength), model, ScoreMode.parse(mode));
    }

    /** {@code POST /v1/score/batch}, multipart/form-data with one {@code image} part per image. */
    @POST
    @Path("/batch")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Score several images, one multipart part named 'image' each, in one model run")
    @APIResponse(responseCode = "200", description = "One result per image, in order", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "twoImages", ref = "batchResult")))
    public BatchScoreResponse batch(@RestForm("image") List<FileUpload> images, @QueryParam("model") String model,
            @QueryParam("mode") String mode) throws IOException {
        List<byte[]> bytes = new ArrayList<>();
        if (images != null) {
            for (FileUpload upload : images) {
                bytes.add(Files.readAllBytes(upload.uploadedFile()));
            }
        }
        return new BatchScoreResponse(scoring.scoreEach(bytes, model, ScoreMode.parse(mode)));
    }
}
