package dev.jepascore.report;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One result document as the report reads it (the JSON {@code ObjectScoringJob} writes: the object, the outcome,
 * the {@code ScoreResult} fields or the {@code error}, and {@code recordedAt}).
 *
 * @param documentKey  where the document is stored
 * @param bucket       the scored object's bucket
 * @param key          the scored object's key
 * @param versionTag   the version scored
 * @param failed       a failure document ({@code errorCode}, {@code errorMessage} set, no scores)
 * @param jepaScore    JEPA-SCORE; NaN in a document scored in mode {@code signals} (no JEPA-SCORE)
 * @param percentile   JEPA-SCORE's percentile among the model's calibration scores; NaN without a JEPA-SCORE
 * @param label        typical, unusual or outlier
 * @param outlierScore the combined outlier score; {@code null} for models without a reference set and in mode
 *                     {@code signals}
 * @param outlierPercentile how atypical the verdict found it (0-100); {@code null} when the document has none
 * @param reasons      the signals behind a flag
 * @param modelId      the model that scored it
 * @param modelVersion its version
 * @param recordedAt   when the document was written; {@code null} when absent
 */
record ResultDocument(String documentKey, String bucket, String key, String versionTag, boolean failed,
        double jepaScore, double percentile, String label, Double outlierScore, Double outlierPercentile, List<String> reasons,
        String modelId, String modelVersion, Instant recordedAt, String errorCode, String errorMessage) {

    /** @throws IllegalArgumentException naming the field missing or of the wrong type */
    static ResultDocument parse(String documentKey, JsonNode doc) {
        if (!doc.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode object = doc.path("object");
        String bucket = text(object, "bucket", "object.bucket");
        String key = text(object, "key", "object.key");
        String versionTag = object.path("versionTag").isTextual() ? object.path("versionTag").asText() : null;
        Instant recordedAt = null;
        if (doc.path("recordedAt").isTextual()) {
            try {
                recordedAt = Instant.parse(doc.path("recordedAt").asText());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("recordedAt is not an ISO-8601 instant: " + doc.path("recordedAt"));
            }
        }
        String outcome = text(doc, "outcome", "outcome");
        if (outcome.equals("failed")) {
            JsonNode error = doc.path("error");
            return new ResultDocument(documentKey, bucket, key, versionTag, true, Double.NaN, Double.NaN, null, null,
                    null, List.of(), null, null, recordedAt, text(error, "code", "error.code"),
                    error.path("message").asText(""));
        }
        if (!outcome.equals("scored")) {
            throw new IllegalArgumentException("outcome is '" + outcome + "', expected 'scored' or 'failed'");
        }
        JsonNode model = doc.path("model");
        List<String> reasons = new ArrayList<>();
        doc.path("reasons").forEach(r -> reasons.add(r.asText()));
        JsonNode outlier = doc.path("outlierScore");
        JsonNode outlierPercentile = doc.path("outlierPercentile");
        // mode signals: no JEPA-SCORE (and no percentile of it); the verdict's outlierPercentile ranks it instead
        boolean signalsOnly = "signals".equals(doc.path("mode").asText())
                && (doc.path("jepaScore").isMissingNode() || doc.path("jepaScore").isNull());
        return new ResultDocument(documentKey, bucket, key, versionTag, false,
                signalsOnly ? Double.NaN : number(doc, "jepaScore"), signalsOnly ? Double.NaN : number(doc, "percentile"),
                text(doc, "label", "label"), outlier.isNumber() ? outlier.asDouble() : null,
                outlierPercentile.isNumber() ? outlierPercentile.asDouble() : null, List.copyOf(reasons), text(model, "id", "model.id"), text(model, "version", "model.version"),
                recordedAt, null, null);
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(path + " is missing or not a string");
        }
        return value.asText();
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " is missing or not a number");
        }
        return value.asDouble();
    }
}
