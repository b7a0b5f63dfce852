package dev.jepascore.action;

import dev.jepascore.ErrorCode;
import dev.jepascore.JepaException;

/**
 * An action failed. Never thrown past the action package for one object (the failure is recorded in its document);
 * thrown by {@link ObjectActions#requireSettled} for an event whose objects are scored and recorded but some action
 * failed in a way that may pass, so that the platform redelivers the event and the next delivery completes it.
 */
public class ActionException extends JepaException {

    public ActionException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    /** A failure whose kind depends on another (waiting for a tag that may yet be written). */
    public ActionException(ErrorCode code, Kind kind, String message, Throwable cause) {
        super(code, kind, message, cause);
    }
}
