package dev.jepascore.result;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.jepascore.event.ObjectRef;

/**
 * The summary line for one object of an event.
 *
 * @param object       the object, with the version tag its document is keyed by
 * @param outcome      what happened
 * @param resultBucket bucket of the result document ({@code null} when skipped)
 * @param resultKey    key of the result document ({@code null} when skipped)
 * @param jepaScore    the score, when the document holds one
 * @param outlierScore the combined outlier score, when the document holds one (models with a reference set)
 * @param label        the calibrated label, when the document holds one
 * @param error        the failure recorded, when the document is a failure document
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectOutcome(ObjectRef object, Outcome outcome, String resultBucket, String resultKey, Double jepaScore,
        Double outlierScore, String label, Failure error) {
}
