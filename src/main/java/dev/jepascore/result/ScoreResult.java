package dev.jepascore.result;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one scored image yields, on demand and in result documents.
 *
 * @param jepaScore         sum of the log singular values of the encoder's Jacobian (clipped at eps); higher is
 *                          denser; {@code null} (absent) in mode {@code signals}
 * @param percentile        0-100, where the JEPA-SCORE falls among the model's calibration scores; absent in mode
 *                          {@code signals}
 * @param label             typical, unusual or outlier: from the combined outlier score (above its 95th / 99th
 *                          percentile of held-out in-distribution images); for a model without a reference set,
 *                          from JEPA-SCORE's two-sided bands; in mode {@code signals}, from the smallest tail
 *                          probability of the embedding signals, Bonferroni-corrected (see {@link dev.jepascore.score.Verdict})
 * @param tail              {@code low} or {@code high} when the JEPA-SCORE is outside its unusual band
 * @param outlierScore      higher = less like the training data: Fisher's {@code -2 sum ln p} over the signals' tail
 *                          probabilities; {@code null} when the model has no reference set, and in mode
 *                          {@code signals} (its table was calibrated with JEPA-SCORE among the signals)
 * @param outlierPercentile 0-100, where the outlier score falls among held-out in-distribution images; {@code null}
 *                          when the model has no reference set; in mode {@code signals}, {@code 100 (1 - p)} for the
 *                          Bonferroni-corrected smallest tail probability p, a lower bound of that percentile
 * @param signals           each signal's raw value and percentile
 * @param reasons           the signals that put the image outside its band (e.g. {@code ["knn"]}), empty when
 *                          typical
 * @param model             the model that scored it
 * @param mode              how the score was computed
 * @param provider          where inference ran ({@code cpu}, {@code cuda:0})
 * @param embeddingNorm     Euclidean norm of the image's embedding
 * @param timingsMs         where the time went, in milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoreResult(Double jepaScore, Double percentile, Label label, String tail,
        @JsonInclude(JsonInclude.Include.ALWAYS) Double outlierScore,
        @JsonInclude(JsonInclude.Include.ALWAYS) Double outlierPercentile, Signals signals, List<String> reasons,
        ModelRef model, ScoreMode mode, String provider, double embeddingNorm, Timings timingsMs) implements BatchEntry {

    /** @param id model id; @param version model version */
    public record ModelRef(String id, String version) {
    }

    /**
     * The signals behind the verdict, written as one JSON object: {@code jepa} (when there is a JEPA-SCORE), then
     * each signal by its name in {@link EmbeddingSignals#REGISTERED} order ({@code knn}, {@code mahalanobis},
     * {@code complexity}: what its {@link Signal#shown} gives, or {@code null} where a result without a reference set
     * names it), then {@code absent} (when something is).
     *
     * @param jepa   JEPA-SCORE, its percentile and tail (the same numbers as the top-level fields); absent in mode
     *               {@code signals}
     * @param byName each embedding signal as results show it, in order; a {@code null} value is written as
     *               {@code null}
     * @param absent why some signals are missing, when they are (no reference set; no JEPA-SCORE in mode
     *               {@code signals})
     */
    public record Signals(JepaSignal jepa, Map<String, Object> byName, String absent) {

        public Signals {
            byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        }

        /** One signal as results show it ({@link Distance}, {@link Complexity}, ...); null when not computed. */
        public <T> T get(String name, Class<T> shownAs) {
            return shownAs.cast(byName.get(name));
        }

        /** The JSON object results carry. */
        @JsonValue
        public Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            if (jepa != null) {
                out.put("jepa", jepa);
            }
            out.putAll(byName);
            if (absent != null) {
                out.put("absent", absent);
            }
            return out;
        }
    }

    /** @param score JEPA-SCORE; @param percentile among calibration scores; @param tail {@code low}, {@code high} or null */
    public record JepaSignal(double score, double percentile, @JsonInclude(JsonInclude.Include.ALWAYS) String tail) {
    }

    /** @param distance the raw distance; @param percentile 0-100 among held-out in-distribution images */
    public record Distance(double distance, double percentile) {
    }

    /** @param bytes deflated size of the 8-bit input image; @param percentile 0-100 among held-out images */
    public record Complexity(int bytes, double percentile) {
    }

    /**
     * @param decode    decoding and preprocessing this image
     * @param inference this image's share of the ONNX runs: the scorer graph (embedding and Jacobian J) and
     *                  the Gram matrix J J^T formed in double precision; the encoder alone in modes {@code sketch}
     *                  and {@code signals}
     * @param jacobian  eigenvalues of J J^T and the clipped log-sum, in double precision (with the manifest's
     *                  {@code transforms} on, Equation (4), also the scorer runs of the transformed images; in mode
     *                  {@code sketch}, the 2m perturbed encoder runs); 0 in mode {@code signals}
     * @param signals   k-NN and Mahalanobis distances, input complexity and the combination (0 without a
     *                  reference set)
     * @param total     wall time of the request divided by the images in it
     * @param batchSize images scored in the same ONNX run
     */
    public record Timings(double decode, double inference, double jacobian, double signals, double total,
            int batchSize) {
    }
}
