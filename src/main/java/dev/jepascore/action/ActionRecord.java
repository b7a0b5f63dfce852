package dev.jepascore.action;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One action as recorded in the result document's {@code actions} array, and in the event's answer.
 *
 * @param type   which action
 * @param status {@code done} or {@code failed}; a failed action is tried again by the next delivery of the object's
 *               event (or {@code backfill --apply-actions}), a done one never again
 * @param at     when it ended (ISO-8601 instant)
 * @param detail what was done: the tags written, the event id sent, the quarantine copy's location
 * @param error  why it failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActionRecord(ActionType type, Status status, String at, String detail, Error error) {

    /** How an action ended. */
    public enum Status {
        DONE, FAILED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param code      stable snake_case code ({@code access_denied}, {@code sink_unavailable}, ...)
     * @param message   what went wrong, naming the bucket, key or sink
     * @param retriable whether it may pass by itself (a sink down, storage unavailable); a delivery with a retriable
     *                  failure is answered 503 so that the platform sends it again
     */
    public record Error(String code, String message, boolean retriable) {
    }

    public boolean done() {
        return status == Status.DONE;
    }
}
