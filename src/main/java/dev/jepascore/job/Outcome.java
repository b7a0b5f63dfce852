package dev.jepascore.job;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What happened to one object of an event. */
public enum Outcome {
    /** Scored now; a result document was written. */
    SCORED,
    /** Could not be scored (not an image, too large, gone, access denied); a failure document was written. */
    FAILED,
    /** Not scored on purpose: it is itself a result document (under the results prefix). */
    SKIPPED,
    /** This version already has a document (redelivered event); nothing was written, the stored result is returned. */
    DUPLICATE,
    /**
     * The version the event names is gone: the object was replaced before it was read. Nothing is recorded under the
     * named version; the version read instead is handled as its own event would be, and its outcome is returned as
     * {@link ObjectOutcome#current()}.
     */
    SUPERSEDED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
