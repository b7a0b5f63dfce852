package dev.jepascore.storage;

import dev.jepascore.JepaException;

/**
 * A storage operation failed. {@link Kind#UNAVAILABLE} failures may pass and are retried, then propagated so the
 * platform redelivers the event; the others describe the object and end up in its failure document.
 */
public class StorageException extends JepaException {

    public StorageException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
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

    public static StorageException tooLarge(String bucket, String key, long size, long limit) {
        return new StorageException(Kind.TOO_LARGE, "object_too_large", "Object '" + key + "' in bucket '" + bucket
                + "' has " + (size < 0 ? "more than " + limit : size) + " bytes; the limit is " + limit
                + " (jepa.storage.max-object-bytes)", null);
    }

    public static StorageException unavailable(String operation, String bucket, String key, Throwable cause) {
        return new StorageException(Kind.UNAVAILABLE, "storage_unavailable", "Storage unavailable: " + operation + " '"
                + key + "' in bucket '" + bucket + "' failed: " + describe(cause), cause);
    }

    public static StorageException outsideBucket(String bucket, String key, String why) {
        return new StorageException(Kind.FORBIDDEN, "key_outside_bucket",
                "Refusing key '" + key + "' in bucket '" + bucket + "': " + why, null);
    }

    static String describe(Throwable cause) {
        if (cause == null) {
            return "no cause given";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
