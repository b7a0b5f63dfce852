package dev.jepascore.score;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one scored image yields, on demand and in result documents.
 *
 * @param jepaScore     sum of the log singular values of the encoder's Jacobian (clipped at eps); higher is denser
 * @param percentile    0-100, where the score falls among the model's calibration scores
 * @param label         typical, unusual or outlier: a two-sided test against the calibration distribution
 * @param tail          {@code low} or {@code high} when outside the unusual band
 * @param model         the model that scored it
 * @param mode          how the score was computed
 * @param provider      where inference ran ({@code cpu}, {@code cuda:0})
 * @param embeddingNorm Euclidean norm of the image's embedding
 * @param timingsMs     where the time went, in milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoreResult(double jepaScore, double percentile, Label label, String tail, ModelRef model,
        ScoreMode mode, String provider, double embeddingNorm, Timings timingsMs) {

    /** @param id model id; @param version model version */
    public record ModelRef(String id, String version) {
    }

    /**
     * @param decode    decoding and preprocessing this image
     * @param inference this image's share of the ONNX runs: the scorer graph (embedding and Jacobian J) and
     *                  the Gram matrix J J^T formed in double precision
     * @param jacobian  eigenvalues of J J^T and the clipped log-sum, in double precision
     * @param total     wall time of the request divided by the images in it
     * @param batchSize images scored in the same ONNX run
     */
    public record Timings(double decode, double inference, double jacobian, double total, int batchSize) {
    }
}
