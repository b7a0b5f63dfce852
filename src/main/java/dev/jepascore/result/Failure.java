package dev.jepascore.result;

import java.util.Set;

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
    static final Set<String> PERMANENT = Set.of("empty_image", "not_an_image", "image_corrupt", "unsupported_format",
            "image_too_large", "too_many_pixels", "object_too_large");

    boolean permanent() {
        return PERMANENT.contains(code);
    }

    static Failure of(JepaException e) {
        return new Failure(e.code(), e.getMessage());
    }
}
