package dev.jepascore.score;

import java.util.List;
import java.util.Map;

import dev.jepascore.result.ScoreResult;
import dev.jepascore.result.Label;

/**
 * The last stage of a {@link ScorePipeline}: one image's raw signal values, by {@link ScoringMethod#name()}, to what
 * its result says about it (label, outlier score, each signal's percentile, the reasons of a flag). Pure given the
 * model's calibration tables; one judge per (model, mode), chosen when the pipeline is built.
 */
@FunctionalInterface
interface Judge {

    /** Name of the JEPA-SCORE signal, whichever method (exact or sketch) computed it. */
    String JEPA = EmbeddingSignals.JEPA;

    Judgement judge(Map<String, Double> values);

    /**
     * What the result says about one image beyond its raw values.
     *
     * @param jepa              JEPA-SCORE with its percentile and tail; null in mode {@code signals}
     * @param outlierScore      the combined outlier score; null when there is none
     * @param outlierPercentile its percentile (or, in mode {@code signals}, the bound {@link EmbeddingSignals#assessWithoutJepa}
     *                          gives); null without a reference set
     */
    record Judgement(ScoreResult.JepaSignal jepa, Label label, Double outlierScore, Double outlierPercentile,
            ScoreResult.Signals signals, List<String> reasons) {
    }

    /** With a reference set and JEPA-SCORE: Fisher's combination of every combined signal's tail, placed by its table. */
    static Judge combined(Calibration calibration, EmbeddingSignals signals) {
        return values -> {
            ScoreResult.JepaSignal jepa = jepaSignal(calibration, values.get(JEPA));
            EmbeddingSignals.Assessment a = signals.assess(values);
            return new Judgement(jepa, a.label(), a.outlierScore(), a.outlierPercentile(),
                    signals.describe(jepa, values, null), a.reasons());
        };
    }

    /** Without a reference set: JEPA-SCORE's own two-sided calibration bands; {@code absent} says why. */
    static Judge bands(Calibration calibration, String absent) {
        return values -> {
            ScoreResult.JepaSignal jepa = jepaSignal(calibration, values.get(JEPA));
            Label label = calibration.label(jepa.score());
            return new Judgement(jepa, label, null, null, EmbeddingSignals.withoutReferenceSet(jepa, absent),
                    label == Label.TYPICAL ? List.of() : List.of(JEPA));
        };
    }

    /**
     * Mode {@code signals}: the embedding signals alone, the smallest tail Bonferroni-corrected
     * ({@link EmbeddingSignals#assessWithoutJepa}); the result says JEPA-SCORE is absent and why.
     */
    static Judge withoutJepa(EmbeddingSignals signals) {
        String absent = "mode signals: one encoder run, no JEPA-SCORE; label from the smallest tail probability of "
                + signals.names() + ", Bonferroni-corrected (unusual at or below " + Verdict.UNUSUAL_TAIL + ", outlier "
                + "at or below " + Verdict.OUTLIER_TAIL + "), no combined outlier score";
        return values -> {
            EmbeddingSignals.Assessment a = signals.assessWithoutJepa(values);
            return new Judgement(null, a.label(), null, a.outlierPercentile(), signals.describe(null, values, absent),
                    a.reasons());
        };
    }

    private static ScoreResult.JepaSignal jepaSignal(Calibration calibration, double score) {
        return new ScoreResult.JepaSignal(score, calibration.percentile(score), calibration.tail(score));
    }
}
