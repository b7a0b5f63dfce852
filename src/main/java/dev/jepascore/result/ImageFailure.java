package dev.jepascore.result;

import dev.jepascore.JepaException;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A batch entry for an image that failed on its own (today: its encoder output is NaN or infinite),
 * serialised as {@code {"index": 1, "error": {"code": "non_finite_score", "message": "..."}}}: the same
 * error object a single-image request answers with its 400, plus the image's position in the request.
 *
 * @param index 0-based position of the image in the request
 * @param error what failed
 */
@RegisterForReflection
public record ImageFailure(int index, Error error) implements BatchEntry {

    /** @param code stable machine-readable code; @param message what was wrong, naming the image */
    @RegisterForReflection
    public record Error(String code, String message) {
    }

    /** The entry for the image at {@code index} that failed with {@code e}, code and message as a 400 would carry. */
    public static ImageFailure of(int index, JepaException e) {
        return new ImageFailure(index, new Error(e.code().code(), e.getMessage()));
    }
}
