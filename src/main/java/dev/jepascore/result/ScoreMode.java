package dev.jepascore.result;

import dev.jepascore.ErrorCode;
import dev.jepascore.JepaException;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** How an image is scored: which JEPA-SCORE, if any, comes beside the embedding signals. */
public enum ScoreMode {
    /** The model's scorer graph: the full Jacobian, singular values in double precision. */
    EXACT,
    /** The encoder alone: m random directions by finite differences, bias-corrected log-determinant. */
    SKETCH,
    /**
     * The encoder alone, one forward pass: k-NN and Mahalanobis distances and input complexity, no JEPA-SCORE (for
     * encoders too large for any Jacobian on the hardware at hand); needs the package's reference set.
     */
    SIGNALS;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named by a manifest's {@code defaultMode} ({@code exact}, {@code sketch} or {@code signals}). */
    public static ScoreMode ofManifest(String mode) {
        return valueOf(mode.toUpperCase(Locale.ROOT));
    }

    /**
     * Parses a request's {@code mode}; {@code null} or blank gives {@code null}, which the scoring
     * service reads as the model's default mode (manifest {@code defaultMode}).
     */
    public static ScoreMode parse(String mode) {
        if (mode == null || mode.isBlank()) {
            return null;
        }
        for (ScoreMode m : values()) {
            if (m.json().equals(mode.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UnsupportedModeException("mode '" + mode + "' is not supported; use one of "
                + Arrays.stream(values()).map(ScoreMode::json).toList());
    }

    /** A request's {@code mode} that names no mode: {@code unsupported_mode}, the client's mistake (400). */
    public static final class UnsupportedModeException extends JepaException {

        UnsupportedModeException(String message) {
            super(ErrorCode.UNSUPPORTED_MODE, message, null);
        }
    }
}
