package dev.jepascore.score;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** How JEPA-SCORE is computed. */
public enum ScoreMode {
    /** The model's scorer graph: the full Jacobian, singular values in double precision. */
    EXACT;

    public static final ScoreMode DEFAULT = EXACT;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a request's {@code mode}; {@code null} or blank means {@link #DEFAULT}. */
    public static ScoreMode parse(String mode) {
        if (mode == null || mode.isBlank()) {
            return DEFAULT;
        }
        for (ScoreMode m : values()) {
            if (m.json().equals(mode.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new InvalidScoreRequestException("unsupported_mode", "mode '" + mode + "' is not supported; use one of "
                + Arrays.stream(values()).map(ScoreMode::json).toList());
    }
}
