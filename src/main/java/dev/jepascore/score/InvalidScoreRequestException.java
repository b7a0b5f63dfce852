package dev.jepascore.score;

import dev.jepascore.JepaException;

/** A scoring request that is well-formed JSON but asks for something that cannot be done. */
public final class InvalidScoreRequestException extends JepaException {

    public InvalidScoreRequestException(String code, String message) {
        super(Kind.BAD_INPUT, code, message, null);
    }

    public InvalidScoreRequestException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }
}
