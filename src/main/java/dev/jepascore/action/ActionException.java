package dev.jepascore.action;

import dev.jepascore.JepaException;

/**
 * An action failed. Never thrown past the action package for one object (the failure is recorded in its document);
 * thrown by {@link ObjectActions#requireSettled} for an event whose objects are scored and recorded but some action
 * failed in a way that may pass, so that the platform redelivers the event and the next delivery completes it.
 */
public class ActionException extends JepaException {

    public ActionException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}
