package dev.jepascore.event;

import dev.jepascore.ErrorCode;

import dev.jepascore.JepaException;

/** The delivered event is not one this function understands; redelivering it will not help (HTTP 400). */
public class BadEventException extends JepaException {

    public BadEventException(ErrorCode code, String message) {
        super(code, message, null);
    }

    public BadEventException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
