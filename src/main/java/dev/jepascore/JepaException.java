package dev.jepascore;

/**
 * The one exception type that crosses a stage boundary. Each stage throws its own subclass
 * (bad image, bad request, object not found, storage unavailable, model failure); the entry
 * points map {@link #kind()} to an HTTP status or an event outcome in one place.
 */
public abstract class JepaException extends RuntimeException {

    /** What the caller should make of a failure. */
    public enum Kind {
        /** The client's input is wrong; retrying the same input fails again. HTTP 400. */
        BAD_INPUT(400, false),
        /** The input exceeds a configured size limit. HTTP 413. */
        TOO_LARGE(413, false),
        /** The input is of a format this function does not read. HTTP 415. */
        UNSUPPORTED(415, false),
        /** The referenced object does not exist. HTTP 404. */
        NOT_FOUND(404, false),
        /** The function may not read or write the referenced object. HTTP 403. */
        FORBIDDEN(403, false),
        /** A dependency failed in a way that may pass; the platform should redeliver. HTTP 503. */
        UNAVAILABLE(503, true),
        /** The function itself failed (model, configuration). HTTP 500. */
        INTERNAL(500, false);

        private final int httpStatus;
        private final boolean retriable;

        Kind(int httpStatus, boolean retriable) {
            this.httpStatus = httpStatus;
            this.retriable = retriable;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public boolean retriable() {
            return retriable;
        }

        public boolean clientError() {
            return httpStatus >= 400 && httpStatus < 500;
        }
    }

    private final ErrorCode code;
    private final Kind kind;

    protected JepaException(ErrorCode code, String message, Throwable cause) {
        this(code, code.kind(), message, cause);
    }

    /**
     * A failure of {@code code} whose kind differs from the catalogue's in this one case: a condition that may
     * clear here although it is final elsewhere (an object an event names that is not visible yet is
     * {@link Kind#UNAVAILABLE}, not {@link Kind#NOT_FOUND}).
     */
    protected JepaException(ErrorCode code, Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    /** The catalogued error code; {@code code().code()} is what a client reads, e.g. {@code image_corrupt}. */
    public ErrorCode code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status: the catalogue's, or that of this failure's own kind when it differs. */
    public int httpStatus() {
        return kind == code.kind() ? code.httpStatus() : kind.httpStatus();
    }
}
