package dev.jepascore.backfill;

/**
 * What became of one object, as counted in the progress line and the summary.
 *
 * @param label    the summary's line, e.g. {@code scored} or {@code failed, recorded: not_an_image}
 * @param severity whether it counts as a failure, and whether running again may help
 */
record Answer(String label, Severity severity) {

    enum Severity {
        /** Done: scored, already had a document, sent, listed. */
        OK,
        /** Could not be scored, and a failure document says why (not an image, too large): final. */
        RECORDED_FAILURE,
        /** Refused for good without a document (a key no store may hold): named in the summary. */
        REFUSED,
        /** Nothing recorded, and it may pass (storage down, overloaded, no answer): run the command again. */
        RETRY
    }

    static Answer ok(String label) {
        return new Answer(label, Severity.OK);
    }

    boolean failure() {
        return severity != Severity.OK;
    }
}
