package dev.jepascore.image;

import dev.jepascore.ErrorCode;
import dev.jepascore.JepaException;

/** The bytes given as an image cannot be scored: empty, not an image, corrupt, too large, or of a format not read. */
public final class BadImageException extends JepaException {

    public BadImageException(ErrorCode code, String message) {
        super(code, message, null);
    }

    public BadImageException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    static BadImageException empty() {
        return new BadImageException(ErrorCode.EMPTY_IMAGE, "the image is empty (0 bytes)");
    }

    static BadImageException notAnImage(String detail) {
        return new BadImageException(ErrorCode.NOT_AN_IMAGE,
                "the bytes are not an image of a supported format (" + SupportedFormats.LIST + "): " + detail);
    }

    static BadImageException unsupported(String format) {
        return new BadImageException(ErrorCode.UNSUPPORTED_FORMAT,
                "images of format " + format + " are not supported; send " + SupportedFormats.CHOICE);
    }

    static BadImageException truncated(String format, Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new BadImageException(ErrorCode.IMAGE_CORRUPT,
                "the " + format + " image is truncated or corrupt" + reason, cause);
    }
}
