package dev.jepascore.score;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a score falls against the calibration distribution, in either tail. */
public enum Label {
    /** Inside the central band of in-distribution scores. */
    TYPICAL,
    /** Outside the {@code unusual} band (by default the central 95%) but inside the {@code outlier} band. */
    UNUSUAL,
    /** Outside the {@code outlier} band (by default the central 99%). */
    OUTLIER;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
