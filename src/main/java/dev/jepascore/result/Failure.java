package dev.jepascore.result;

import dev.jepascore.ErrorCode;
import dev.jepascore.JepaException;

/**
 * Why an object could not be scored, as written into its failure document.
 *
 * @param code    stable snake_case code, e.g. {@code not_an_image}, {@code object_not_found}
 * @param message human-readable explanation
 */
public record Failure(String code, String message) {

    /**
     * Failures that are facts about the bytes of one object version and so cannot change: a later delivery of the
     * same version is answered {@code duplicate} with the stored failure. Every other recorded failure (access
     * denied, or an {@code object_not_found} written by an earlier release) is re-checked by the next delivery,
     * which reads the object again and replaces the document when it now scores.
     */
    public boolean permanent() {
        return ErrorCode.of(code).map(ErrorCode::permanent).orElse(false);
    }

    public static Failure of(JepaException e) {
        return new Failure(e.code().code(), e.getMessage());
    }
}
