package dev.jepascore.score;

import dev.jepascore.result.ScoreResult;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.model.ModelManifest;

/**
 * The {@code signals} object of a result, as clients and stored documents read it, is the same whichever way the
 * signals are held: the field names, their order, the shapes ({@code distance} / {@code bytes}) and the numbers. The
 * expected strings are what {@code POST /v1/score} answered for fixture test-00000 of the bundled model before the
 * signals became a registered list (modes exact and signals, and the package without its reference set); the raw
 * values are that answer's, and the percentiles are recomputed here from the package's tables, so any change to a
 * table's reading shows too (compared as strings: exact).
 */
class SignalResultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScoreResult.JepaSignal JEPA = new ScoreResult.JepaSignal(-246.22145335025758,
            17.84196763071175, null);
    /** test-00000's raw signal values. */
    private static final Map<String, Double> RAW = Map.of("knn", 2.5161682672186907, "mahalanobis", 5.974103542651412,
            "complexity", 338.0);

    private static EmbeddingSignals signals;

    @BeforeAll
    static void loadTheBundledSignals() {
        Path dir = Path.of("models", "fmnist-lejepa");
        ModelManifest manifest = ModelManifest.read(dir);
        signals = EmbeddingSignals.load(manifest, dir, manifest.input());
    }

    @Test
    void a_result_shows_jepa_then_each_signal_by_name_with_its_raw_value_and_percentile() throws JsonProcessingException {
        assertEquals("{\"jepa\":{\"score\":-246.22145335025758,\"percentile\":17.84196763071175,\"tail\":null},"
                + "\"knn\":{\"distance\":2.5161682672186907,\"percentile\":54.096281511109616},"
                + "\"mahalanobis\":{\"distance\":5.974103542651412,\"percentile\":39.275589126546166},"
                + "\"complexity\":{\"bytes\":338,\"percentile\":17.084548104956273}}",
                JSON.writeValueAsString(signals.describe(JEPA, RAW, null)));
    }

    @Test
    void mode_signals_shows_no_jepa_and_says_why_last() throws JsonProcessingException {
        String absent = "mode signals: one encoder run, no JEPA-SCORE; label from the smallest tail probability of "
                + "[knn, mahalanobis, complexity], Bonferroni-corrected (unusual at or below 0.05, outlier at or below "
                + "0.01), no combined outlier score";
        assertEquals("{\"knn\":{\"distance\":2.5161682672186907,\"percentile\":54.096281511109616},"
                + "\"mahalanobis\":{\"distance\":5.974103542651412,\"percentile\":39.275589126546166},"
                + "\"complexity\":{\"bytes\":338,\"percentile\":17.084548104956273},\"absent\":\"" + absent + "\"}",
                JSON.writeValueAsString(signals.describe(null, RAW, absent)));
        assertEquals(absent, JSON.valueToTree(Judge.withoutJepa(signals).judge(RAW).signals()).path("absent").asText(),
                "the judge of mode signals says the same");
    }

    @Test
    void without_a_reference_set_the_distances_are_named_null_and_complexity_is_left_out()
            throws JsonProcessingException {
        String absent = "model fmnist-lejepa has no reference set (no signals section in its model.json): k-NN, "
                + "Mahalanobis and the combined outlier score are not computed; label is from JEPA-SCORE";
        assertEquals("{\"jepa\":{\"score\":-246.22145335025758,\"percentile\":17.84196763071175,\"tail\":null},"
                + "\"knn\":null,\"mahalanobis\":null,\"absent\":\"" + absent + "\"}",
                JSON.writeValueAsString(EmbeddingSignals.withoutReferenceSet(JEPA, absent)));
    }

    @Test
    void each_signal_is_read_back_by_name_in_the_shape_it_is_shown() {
        ScoreResult.Signals shown = signals.describe(JEPA, RAW, null);
        assertEquals(2.5161682672186907, shown.get("knn", ScoreResult.Distance.class).distance(), 0);
        assertEquals(338, shown.get("complexity", ScoreResult.Complexity.class).bytes());
        assertEquals(null, shown.get("brightness", ScoreResult.Distance.class), "a signal not computed");
    }
}
