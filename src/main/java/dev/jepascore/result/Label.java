package dev.jepascore.result;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a score falls against the calibration distribution, in either tail. */
public enum Label {
    /** Inside the central band of in-distribution scores. */
    TYPICAL,
    /** Outside the model's {@code unusual} band but inside its {@code outlier} band. */
    UNUSUAL,
    /** Outside the model's {@code outlier} band. */
    OUTLIER;

    @JsonValue
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
