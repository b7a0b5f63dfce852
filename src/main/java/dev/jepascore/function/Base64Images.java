package dev.jepascore.function;

import dev.jepascore.ErrorCode;

import java.util.Base64;

import dev.jepascore.JepaException;

/** Images sent inside JSON: base64 (standard or URL-safe alphabet), optionally as a {@code data:} URL. */
final class Base64Images {

    private Base64Images() {
    }

    static byte[] decode(String field, String value) {
        if (value == null) {
            throw new RequestException(ErrorCode.MISSING_IMAGE, "the request has no '" + field + "' (base64 image bytes)");
        }
        String text = value.strip();
        if (text.startsWith("data:")) {
            int comma = text.indexOf(',');
            if (comma < 0 || !text.substring(0, comma).endsWith(";base64")) {
                throw new RequestException(ErrorCode.BAD_BASE64, "'" + field + "' is a data: URL without ';base64,'");
            }
            text = text.substring(comma + 1);
        }
        text = text.replaceAll("\\s", "");
        try {
            return text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new RequestException(ErrorCode.BAD_BASE64, "'" + field + "' is not valid base64: " + e.getMessage());
        }
    }

    /** A request to a function that is JSON but not a usable request. */
    static final class RequestException extends JepaException {
        RequestException(ErrorCode code, String message) {
            super(code, message, null);
        }
    }
}
