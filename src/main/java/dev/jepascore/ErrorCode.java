package dev.jepascore;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.jepascore.JepaException.Kind;

/**
 * Every error code the function answers with or records, in one catalogue: the code a client reads
 * ({@link #code()}, the constant's name in snake case), what kind of failure it is (HTTP status, whether the
 * platform should redeliver) and whether a failure document recording it is final for that object version.
 * Codes are compared as values, never as strings; docs/api.md's error table is checked against this list
 * ({@code ErrorCatalogueTest}).
 */
public enum ErrorCode {

    // the image itself: facts about one object version's bytes, so final in a failure document
    EMPTY_IMAGE(Kind.BAD_INPUT, true),
    NOT_AN_IMAGE(Kind.BAD_INPUT, true),
    IMAGE_CORRUPT(Kind.BAD_INPUT, true),
    UNSUPPORTED_FORMAT(Kind.UNSUPPORTED, true),
    IMAGE_TOO_LARGE(Kind.TOO_LARGE, true),
    TOO_MANY_PIXELS(Kind.TOO_LARGE, true),

    // on-demand requests
    MALFORMED_JSON(Kind.BAD_INPUT, false),
    MISSING_IMAGE(Kind.BAD_INPUT, false),
    MISSING_IMAGES(Kind.BAD_INPUT, false),
    BAD_BASE64(Kind.BAD_INPUT, false),
    UNSUPPORTED_MODE(Kind.BAD_INPUT, false),
    UNKNOWN_MODEL(Kind.BAD_INPUT, false),
    MODE_UNAVAILABLE(Kind.BAD_INPUT, false),
    NON_FINITE_SCORE(Kind.BAD_INPUT, false),
    NO_IMAGES(Kind.BAD_INPUT, false),
    BATCH_TOO_LARGE(Kind.TOO_LARGE, false),
    REQUEST_TOO_LARGE(Kind.TOO_LARGE, false),
    UNSUPPORTED_MEDIA_TYPE(Kind.UNSUPPORTED, false),
    REQUEST_TIMEOUT(Kind.BAD_INPUT, false, 408),
    BAD_REQUEST(Kind.BAD_INPUT, false),
    NOT_FOUND(Kind.NOT_FOUND, false),
    METHOD_NOT_ALLOWED(Kind.BAD_INPUT, false, 405),
    NOT_ACCEPTABLE(Kind.BAD_INPUT, false, 406),

    // storage events
    MALFORMED_EVENT(Kind.BAD_INPUT, false),
    EMPTY_EVENT(Kind.BAD_INPUT, false),
    NO_RECORDS(Kind.BAD_INPUT, false),
    NO_TASKS(Kind.BAD_INPUT, false),
    UNKNOWN_EVENT_TYPE(Kind.BAD_INPUT, false),
    UNKNOWN_EVENT_FORMAT(Kind.BAD_INPUT, false),
    UNKNOWN_SCHEMA_VERSION(Kind.BAD_INPUT, false),
    UNMAPPED_EVENT_TYPE(Kind.BAD_INPUT, false),
    UNSAFE_OBJECT_KEY(Kind.BAD_INPUT, false),
    UNSAFE_BUCKET_NAME(Kind.BAD_INPUT, false),
    /** More records in one request than {@code jepa.event.max-records}. */
    TOO_MANY_RECORDS(Kind.TOO_LARGE, false),
    /** A version tag of the wrong form for its source (GCS generation, S3 or Azure eTag). */
    BAD_VERSION_TAG(Kind.BAD_INPUT, false),

    // who may call, and which buckets the function may touch
    /** No {@code Authorization: Bearer} credential where the function requires one. */
    UNAUTHENTICATED(Kind.FORBIDDEN, false, 401),
    /** A credential that is not one of the function's API keys, or a token that does not verify. */
    CALLER_NOT_ALLOWED(Kind.FORBIDDEN, false),
    /** A bucket outside {@code jepa.storage.buckets}: refused before any storage call. */
    BUCKET_NOT_ALLOWED(Kind.FORBIDDEN, false),

    // storage
    OBJECT_NOT_FOUND(Kind.NOT_FOUND, false),
    BUCKET_NOT_FOUND(Kind.NOT_FOUND, false),
    ACCESS_DENIED(Kind.FORBIDDEN, false),
    KEY_OUTSIDE_BUCKET(Kind.FORBIDDEN, false),
    /** A key the store can never hold (a path under a file, a name too long): final, never redelivered. */
    KEY_NOT_STORABLE(Kind.BAD_INPUT, true),
    /** Larger than {@code jepa.storage.max-object-bytes}: a fact about the version, so final. */
    OBJECT_TOO_LARGE(Kind.TOO_LARGE, true),
    STORAGE_UNAVAILABLE(Kind.UNAVAILABLE, false),
    STORAGE_ERROR(Kind.INTERNAL, false),
    CORRUPT_RESULT_DOCUMENT(Kind.INTERNAL, false),
    RESULT_NOT_SERIALISABLE(Kind.INTERNAL, false),

    // actions on a verdict (recorded in the document's actions, never in a failure document)
    /** The store has no such operation (object tags on a local directory). */
    OPERATION_UNSUPPORTED(Kind.UNSUPPORTED, false),
    /** Tags not written: the object already has as many tags as S3 allows beside ours. */
    TOO_MANY_TAGS(Kind.BAD_INPUT, false),
    /** The version scored is no longer the object's: nothing tagged or moved. */
    OBJECT_REPLACED(Kind.NOT_FOUND, false),
    /** Not quarantined while its tags are not written (delete-original is set); retriable when the tagging is. */
    WAITING_FOR_TAG(Kind.BAD_INPUT, false),
    /** The notification sink answered 4xx. */
    SINK_REFUSED(Kind.BAD_INPUT, false),
    /** The notification sink is down, slow or answered 5xx, after retries. */
    SINK_UNAVAILABLE(Kind.UNAVAILABLE, false),
    /** Scored and recorded, but an action failed in a way that may pass: redeliver the event to complete it. */
    ACTION_FAILED(Kind.UNAVAILABLE, false),

    // the report
    BAD_REPORT_REQUEST(Kind.BAD_INPUT, false),
    BAD_REPORT_OPTION(Kind.BAD_INPUT, false),
    PREFIX_NOT_FOUND(Kind.NOT_FOUND, false),

    // capacity and readiness: may pass, the platform redelivers
    OVERLOADED(Kind.UNAVAILABLE, false),
    MODEL_LOADING(Kind.UNAVAILABLE, false),

    // the function's own failures: models, configuration, start-up
    INFERENCE_FAILED(Kind.INTERNAL, false),
    MODEL_CLOSED(Kind.INTERNAL, false),
    NO_EXACT_SCORER(Kind.INTERNAL, false),
    MODEL_MISSING(Kind.INTERNAL, false),
    MODEL_MISMATCH(Kind.INTERNAL, false),
    MODEL_MANIFEST_INVALID(Kind.INTERNAL, false),
    MODEL_LOAD_FAILED(Kind.INTERNAL, false),
    MODEL_CONFIG(Kind.INTERNAL, false),
    MODEL_ID_DUPLICATE(Kind.INTERNAL, false),
    MODEL_UNKNOWN(Kind.INTERNAL, false),
    REFERENCE_SET_INVALID(Kind.INTERNAL, false),
    CUDA_UNAVAILABLE(Kind.INTERNAL, false),
    STARTUP_FAILED(Kind.INTERNAL, false),
    INTERNAL_ERROR(Kind.INTERNAL, false),

    // package-model (a command line tool: its input is the user's)
    PACKAGING_FAILED(Kind.BAD_INPUT, false);

    private static final Map<String, ErrorCode> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

    private final Kind kind;
    private final boolean permanent;
    private final int httpStatus;
    private final String code;

    ErrorCode(Kind kind, boolean permanent) {
        this(kind, permanent, kind.httpStatus());
    }

    /** A code answered with a status of its own (401, 408, 405, 406), of {@code kind} otherwise. */
    ErrorCode(Kind kind, boolean permanent, int httpStatus) {
        this.kind = kind;
        this.permanent = permanent;
        this.httpStatus = httpStatus;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    /** The snake-case code clients read, e.g. {@code image_corrupt}. */
    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Whether a failure document with this code is final for its object version (a fact about its bytes): a later
     * delivery of the same version answers {@code duplicate}. Any other recorded failure is re-checked.
     */
    public boolean permanent() {
        return permanent;
    }

    /** The catalogued code a stored document or a client names; empty for a code this release does not know. */
    public static Optional<ErrorCode> of(String code) {
        return Optional.ofNullable(code == null ? null : BY_CODE.get(code));
    }

    @Override
    public String toString() {
        return code;
    }
}
