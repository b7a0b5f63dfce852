package dev.jepascore.result;

import dev.jepascore.JepaException;

/**
 * Why an object could not be scored, as written into its failure document.
 *
 * @param code    stable snake_case code, e.g. {@code not_an_image}, {@code object_not_found}
 * @param message human-readable explanation
 */
public record Failure(String code, String message) {

    static Failure of(JepaException e) {
        return new Failure(e.code(), e.getMessage());
    }
}
