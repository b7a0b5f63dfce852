package dev.jepascore.job;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.jepascore.action.ActionRecord;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.result.Failure;

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
 * @param current      when {@code superseded}: the outcome of the version read instead (scored, duplicate, failed),
 *                     with its own tag; the fields above then stay empty, since the named version was not scored
 * @param actions      the actions its document records (tag, notify, quarantine), when its bucket has any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectOutcome(ObjectRef object, Outcome outcome, String resultBucket, String resultKey, Double jepaScore,
        Double outlierScore, String label, Failure error, ObjectOutcome current,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ActionRecord> actions) {

    public ObjectOutcome(ObjectRef object, Outcome outcome, String resultBucket, String resultKey, Double jepaScore,
            Double outlierScore, String label, Failure error) {
        this(object, outcome, resultBucket, resultKey, jepaScore, outlierScore, label, error, null, null);
    }

    public ObjectOutcome(ObjectRef object, Outcome outcome, String resultBucket, String resultKey, Double jepaScore,
            Double outlierScore, String label, Failure error, ObjectOutcome current) {
        this(object, outcome, resultBucket, resultKey, jepaScore, outlierScore, label, error, current, null);
    }

    /** The same outcome with the actions its document records (on {@link #current} when superseded). */
    ObjectOutcome withActions(List<ActionRecord> recorded) {
        if (current != null) {
            return new ObjectOutcome(object, outcome, resultBucket, resultKey, jepaScore, outlierScore, label, error,
                    current.withActions(recorded), null);
        }
        return new ObjectOutcome(object, outcome, resultBucket, resultKey, jepaScore, outlierScore, label, error, null,
                List.copyOf(recorded));
    }

    /** The answer for an event whose version was replaced by {@code current}'s before it was read. */
    static ObjectOutcome superseded(ObjectRef named, ObjectOutcome current) {
        return new ObjectOutcome(named, Outcome.SUPERSEDED, null, null, null, null, null, null, current);
    }

    /** The outcome of the version actually handled: {@link #current} when superseded, else this one. */
    public ObjectOutcome effective() {
        return current == null ? this : current;
    }
}
