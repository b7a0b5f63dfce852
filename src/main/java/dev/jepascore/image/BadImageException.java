package dev.jepascore.image;

import dev.jepascore.JepaException;

/** The bytes given as an image cannot be scored: empty, not an image, corrupt, too large, or of a format not read. */
public final class BadImageException extends JepaException {

    public BadImageException(Kind kind, String code, String message) {
        super(kind, code, message, null);
    }

    public BadImageException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
    }

    static BadImageException empty() {
        return new BadImageException(Kind.BAD_INPUT, "empty_image", "the image is empty (0 bytes)");
    }

    static BadImageException notAnImage(String detail) {
        return new BadImageException(Kind.BAD_INPUT, "not_an_image",
                "the bytes are not an image of a supported format (PNG, JPEG, GIF, BMP, WebP): " + detail);
    }

    static BadImageException unsupported(String format) {
        return new BadImageException(Kind.UNSUPPORTED, "unsupported_format",
                "images of format " + format + " are not supported; send PNG, JPEG, GIF, BMP or WebP");
    }

    static BadImageException truncated(String format, Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new BadImageException(Kind.BAD_INPUT, "image_corrupt",
                "the " + format + " image is truncated or corrupt" + reason, cause);
    }
}
