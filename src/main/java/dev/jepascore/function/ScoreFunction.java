package dev.jepascore.function;

import dev.jepascore.ErrorCode;

import java.util.ArrayList;
import java.util.List;

import dev.jepascore.result.BatchEntry;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.score.ScoringService;
import io.quarkus.funqy.Funq;

/** On-demand scoring as Funqy functions ({@code POST /score}, {@code POST /scoreBatch} with the HTTP binding). */
public class ScoreFunction {

    /**
     * @param image base64 image bytes (or a data: URL)
     * @param mode  {@code exact}, {@code sketch} or {@code signals}; absent: the model's default
     * @param model id of a served model ({@code GET /v1/models}); absent: the default model
     */
    public record ScoreRequest(String image, String mode, String model) {
    }

    /**
     * @param images base64 images, scored in shared ONNX runs
     * @param mode   {@code exact}, {@code sketch} or {@code signals}; absent: the model's default
     * @param model  id of a served model; absent: the default model
     */
    public record BatchScoreRequest(List<String> images, String mode, String model) {
    }

    /**
     * @param results one entry per image, in request order: its result, or {@code {"index", "error"}} for an
     *                image that alone could not be scored (NaN or infinite encoder output)
     */
    public record BatchScoreResponse(List<BatchEntry> results) {
    }

    private final ScoringService scoring;

    public ScoreFunction(ScoringService scoring) {
        this.scoring = scoring;
    }

    /** Scores one image sent as base64 JSON; triggered by an HTTP call. Returns its JEPA-SCORE, percentile and label. */
    @Funq("score")
    public ScoreResult score(ScoreRequest request) {
        ScoreRequest r = request == null ? new ScoreRequest(null, null, null) : request;
        return scoring.score(Base64Images.decode("image", r.image()), r.model(), ScoreMode.parse(r.mode()));
    }

    /** Scores several base64 images in one call; returns their results in order (per-image failures as entries). */
    @Funq("scoreBatch")
    public BatchScoreResponse scoreBatch(BatchScoreRequest request) {
        if (request == null || request.images() == null) {
            throw new Base64Images.RequestException(ErrorCode.MISSING_IMAGES, "the request has no 'images' (a list of base64 images)");
        }
        List<byte[]> images = new ArrayList<>(request.images().size());
        for (int i = 0; i < request.images().size(); i++) {
            images.add(Base64Images.decode("images[" + i + "]", request.images().get(i)));
        }
        return new BatchScoreResponse(scoring.scoreEach(images, request.model(), ScoreMode.parse(request.mode())));
    }
}
