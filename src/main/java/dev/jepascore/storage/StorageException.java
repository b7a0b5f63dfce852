package dev.jepascore.storage;

import dev.jepascore.ErrorCode;
import dev.jepascore.JepaException;

/**
 * A storage operation failed. {@link Kind#UNAVAILABLE} failures may pass and are retried, then propagated so the
 * platform redelivers the event; the others describe the object and end up in its failure document.
 */
public class StorageException extends JepaException {

    private final String versionTag;

    public StorageException(ErrorCode code, String message, Throwable cause) {
        this(code, code.kind(), message, cause, null);
    }

    private StorageException(ErrorCode code, Kind kind, String message, Throwable cause, String versionTag) {
        super(code, kind, message, cause);
        this.versionTag = versionTag;
    }

    /** The version tag of the object the failure is about, when the store told it before failing; else null. */
    public String versionTag() {
        return versionTag;
    }

    /** The same failure, now retriable: the condition may clear (an object not visible yet). */
    public StorageException retriable(String why) {
        return new StorageException(code(), Kind.UNAVAILABLE, getMessage() + "; " + why, getCause(), versionTag);
    }

    public static StorageException notFound(String bucket, String key, Throwable cause) {
        return new StorageException(ErrorCode.OBJECT_NOT_FOUND,
                "Object '" + key + "' does not exist in bucket '" + bucket + "'", cause);
    }

    public static StorageException bucketNotFound(String bucket, Throwable cause) {
        return new StorageException(ErrorCode.BUCKET_NOT_FOUND, "Bucket '" + bucket + "' does not exist", cause);
    }

    public static StorageException forbidden(String operation, String bucket, String key, Throwable cause) {
        return new StorageException(ErrorCode.ACCESS_DENIED,
                "Access denied to " + operation + " '" + key + "' in bucket '" + bucket + "'", cause);
    }

    /** @param versionTag the object's tag as the store reports it, so its failure document names the right version */
    public static StorageException tooLarge(String bucket, String key, long size, long limit, String versionTag) {
        return new StorageException(ErrorCode.OBJECT_TOO_LARGE, ErrorCode.OBJECT_TOO_LARGE.kind(), "Object '" + key + "' in bucket '" + bucket
                + "' has " + (size < 0 ? "more than " + limit : size) + " bytes; the limit is " + limit
                + " (jepa.storage.max-object-bytes)", null, versionTag);
    }

    public static StorageException unavailable(String operation, String bucket, String key, Throwable cause) {
        return new StorageException(ErrorCode.STORAGE_UNAVAILABLE, "Storage unavailable: " + operation + " '"
                + key + "' in bucket '" + bucket + "' failed: " + describe(cause), cause);
    }

    public static StorageException outsideBucket(String bucket, String key, String why) {
        return new StorageException(ErrorCode.KEY_OUTSIDE_BUCKET,
                "Refusing key '" + key + "' in bucket '" + bucket + "': " + why, null);
    }

    /** The store has no such operation (object tags on a local directory): retrying cannot help. */
    public static StorageException unsupported(String operation, String store) {
        return new StorageException(ErrorCode.OPERATION_UNSUPPORTED,
                store + " does not support " + operation, null);
    }

    static String describe(Throwable cause) {
        if (cause == null) {
            return "no cause given";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
