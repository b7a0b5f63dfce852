package dev.jepascore.event;

import dev.jepascore.JepaException;

/** The delivered event is not one this function understands; redelivering it will not help (HTTP 400). */
public class BadEventException extends JepaException {

    public BadEventException(String code, String message) {
        super(Kind.BAD_INPUT, code, message, null);
    }

    /** An event refused for its size ({@link Kind#TOO_LARGE}, 413) rather than its content. */
    public static BadEventException tooLarge(String code, String message) {
        return new BadEventException(Kind.TOO_LARGE, code, message);
    }

    private BadEventException(Kind kind, String code, String message) {
        super(kind, code, message, null);
    }

    public BadEventException(String code, String message, Throwable cause) {
        super(Kind.BAD_INPUT, code, message, cause);
    }
}
