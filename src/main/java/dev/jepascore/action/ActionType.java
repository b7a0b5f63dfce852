package dev.jepascore.action;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The actions, in the order they run: quarantine last, since it may delete the object the others act on. */
public enum ActionType {
    /** Object tags on the scored version. */
    TAG,
    /** A flagged-object CloudEvent to a sink. */
    NOTIFY,
    /** A copy under the quarantine bucket/prefix, optionally deleting the original. */
    QUARANTINE;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named in a stored document, {@code null} for a name this release does not know. */
    @JsonCreator
    public static ActionType of(String id) {
        for (ActionType type : values()) {
            if (type.id().equals(id)) {
                return type;
            }
        }
        return null;
    }
}
