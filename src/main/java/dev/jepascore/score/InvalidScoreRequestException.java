package dev.jepascore.score;

import dev.jepascore.ErrorCode;

import dev.jepascore.JepaException;

/** A scoring request that is well-formed JSON but asks for something that cannot be done. */
public final class InvalidScoreRequestException extends JepaException {

    public InvalidScoreRequestException(ErrorCode code, String message) {
        super(code, message, null);
    }

    public InvalidScoreRequestException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
