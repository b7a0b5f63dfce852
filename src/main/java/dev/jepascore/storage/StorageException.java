package dev.jepascore.storage;

import dev.jepascore.JepaException;

/**
 * A storage operation failed. {@link Kind#UNAVAILABLE} failures may pass and are retried, then propagated so the
 * platform redelivers the event; the others describe the object and end up in its failure document.
 */
public class StorageException extends JepaException {

    private final String versionTag;

    public StorageException(Kind kind, String code, String message, Throwable cause) {
        this(kind, code, message, cause, null);
    }

    private StorageException(Kind kind, String code, String message, Throwable cause, String versionTag) {
        super(kind, code, message, cause);
        this.versionTag = versionTag;
    }

    /** The version tag of the object the failure is about, when the store told it before failing; else null. */
    public String versionTag() {
        return versionTag;
    }

    /** The same failure, now retriable: the condition may clear (an object not visible yet). */
    public StorageException retriable(String why) {
        return new StorageException(Kind.UNAVAILABLE, code(), getMessage() + "; " + why, getCause(), versionTag);
    }

    public static StorageException notFound(String bucket, String key, Throwable cause) {
        return new StorageException(Kind.NOT_FOUND, "object_not_found",
                "Object '" + key + "' does not exist in bucket '" + bucket + "'", cause);
    }

    public static StorageException bucketNotFound(String bucket, Throwable cause) {
        return new StorageException(Kind.NOT_FOUND, "bucket_not_found", "Bucket '" + bucket + "' does not exist", cause);
    }

    public static StorageException forbidden(String operation, String bucket, String key, Throwable cause) {
        return new StorageException(Kind.FORBIDDEN, "access_denied",
                "Access denied to " + operation + " '" + key + "' in bucket '" + bucket + "'", cause);
    }

    /** @param versionTag the object's tag as the store reports it, so its failure document names the right version */
    public static StorageException tooLarge(String bucket, String key, long size, long limit, String versionTag) {
        return new StorageException(Kind.TOO_LARGE, "object_too_large", "Object '" + key + "' in bucket '" + bucket
                + "' has " + (size < 0 ? "more than " + limit : size) + " bytes; the limit is " + limit
                + " (jepa.storage.max-object-bytes)", null, versionTag);
    }

    public static StorageException unavailable(String operation, String bucket, String key, Throwable cause) {
        return new StorageException(Kind.UNAVAILABLE, "storage_unavailable", "Storage unavailable: " + operation + " '"
                + key + "' in bucket '" + bucket + "' failed: " + describe(cause), cause);
    }

    public static StorageException outsideBucket(String bucket, String key, String why) {
        return new StorageException(Kind.FORBIDDEN, "key_outside_bucket",
                "Refusing key '" + key + "' in bucket '" + bucket + "': " + why, null);
    }

    /** The store has no such operation (object tags on a local directory): retrying cannot help. */
    public static StorageException unsupported(String operation, String store) {
        return new StorageException(Kind.UNSUPPORTED, "operation_unsupported",
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
