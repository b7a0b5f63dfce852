package dev.jepascore.action;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jepascore.result.Label;

/**
 * What the actions read from a stored result document: the label, its percentile, the model. Documents are
 * treated as attacker-written: a field of the wrong type makes the document not actionable, never a crash.
 *
 * @param label      the calibrated label
 * @param outlierPct the combined outlier percentile (0-100), else the JEPA-SCORE percentile for models without a
 *                   reference set
 * @param modelId    the id of the model that scored it
 * @param document   the whole document (sent as the flagged event's data)
 */
record ScoredVerdict(Label label, double outlierPct, String modelId, JsonNode document) {

    /** The verdict of a {@code scored} document, {@code null} for any other document (failure, foreign JSON). */
    static ScoredVerdict of(JsonNode document) {
        if (!"scored".equals(document.path("outcome").asText()) || !document.path("label").isTextual()) {
            return null;
        }
        Label label;
        try {
            label = Label.valueOf(document.path("label").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
        JsonNode pct = document.path("outlierPercentile").isNumber() ? document.path("outlierPercentile")
                : document.path("percentile");
        JsonNode model = document.path("model").path("id");
        if (!pct.isNumber() || !model.isTextual()) {
            return null;
        }
        return new ScoredVerdict(label, pct.asDouble(), model.asText(), document);
    }

    boolean atLeast(Label threshold) {
        return label.compareTo(threshold) >= 0;
    }
}
