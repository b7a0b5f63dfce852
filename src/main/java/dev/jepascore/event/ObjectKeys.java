package dev.jepascore.event;

import dev.jepascore.ErrorCode;

/**
 * The rule every object key must pass before any store sees it: a key names something inside its bucket.
 * S3 itself treats {@code ..} as ordinary characters, but the local store maps keys to paths and result
 * documents are keyed by object key, so a key that could climb out of a directory is refused everywhere.
 */
public final class ObjectKeys {

    private ObjectKeys() {
    }

    /** Returns why {@code key} is refused, or {@code null} if it is safe. */
    public static String whyUnsafe(String key) {
        if (key == null || key.isEmpty()) {
            return "the key is empty";
        }
        if (key.startsWith("/") || key.startsWith("\\")) {
            return "the key is an absolute path";
        }
        for (int i = 0; i < key.length(); i++) {
            char ch = key.charAt(i);
            if (ch == '\0' || ch == '\\') {
                return "the key contains a NUL or backslash character";
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return "the key has a '" + segment + "' path segment";
            }
        }
        return null;
    }

    /** Throws {@link BadEventException} ({@code unsafe_object_key}) unless {@code key} is safe. */
    public static String requireSafe(String bucket, String key) {
        String why = whyUnsafe(key);
        if (why != null) {
            throw new BadEventException(ErrorCode.UNSAFE_OBJECT_KEY,
                    "Refusing object key '" + key + "' in bucket '" + bucket + "': " + why);
        }
        String whyBucket = whyUnsafeBucket(bucket);
        if (whyBucket != null) {
            throw new BadEventException(ErrorCode.UNSAFE_BUCKET_NAME, "Refusing bucket name '" + bucket + "': " + whyBucket);
        }
        return key;
    }

    /** Bucket and container names are single path segments. */
    public static String whyUnsafeBucket(String bucket) {
        if (bucket == null || bucket.isEmpty()) {
            return "the bucket name is empty";
        }
        if (bucket.equals(".") || bucket.equals("..") || bucket.contains("/") || bucket.contains("\\")
                || bucket.indexOf('\0') >= 0) {
            return "a bucket name is a single name without '/', '\\' or dot segments";
        }
        return null;
    }
}
