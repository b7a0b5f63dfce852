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

import dev.jepascore.function.ScoreFunction.BatchScoreResponse;
import dev.jepascore.score.ScoreMode;
import dev.jepascore.score.ScoreResult;
import dev.jepascore.score.ScoringService;

/** Binary uploads: the raw image as the request body, or several images as multipart form parts. */
@Path("/v1/score")
@Produces(MediaType.APPLICATION_JSON)
public class ScoreResource {

    private final ScoringService scoring;

    public ScoreResource(ScoringService scoring) {
        this.scoring = scoring;
    }

    /**
     * {@code POST /v1/score} with the image as body ({@code Content-Type: image/png}, {@code image/jpeg}, ...);
     * {@code ?model=} picks a served model (default {@code jepa.model.id}), {@code ?mode=} exact or sketch.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public ScoreResult score(InputStream body, @HeaderParam("Content-Length") Long contentLength,
            @QueryParam("model") String model, @QueryParam("mode") String mode) throws IOException {
        return scoring.score(RequestBodies.read(body, contentLength), model, ScoreMode.parse(mode));
    }

    /** {@code POST /v1/score/batch}, multipart/form-data with one {@code image} part per image. */
    @POST
    @Path("/batch")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
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
