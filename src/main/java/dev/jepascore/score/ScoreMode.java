package dev.jepascore.score;

/** TEMPORARY stand-in for the lead's type on main; deleted before merging main. */
public enum ScoreMode {
    EXACT;

    public static final ScoreMode DEFAULT = EXACT;
}
