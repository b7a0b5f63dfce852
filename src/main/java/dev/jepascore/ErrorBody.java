package dev.jepascore;

import dev.jepascore.ErrorCode;

import dev.jepascore.JepaException;

/** The JSON every failed call returns: {@code {"error": {"code": ..., "message": ...}}}. */
public record ErrorBody(Detail error) {

    /** @param code stable machine-readable code; @param message what was wrong, for a person */
    public record Detail(String code, String message) {
    }

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(new Detail(code.code(), message));
    }

    public static ErrorBody of(JepaException e) {
        return of(e.code(), e.getMessage());
    }
}
