package dev.jepascore.storage;

import java.util.Map;

/**
 * Reads objects and writes result documents. Every method throws {@link StorageException}: {@code NOT_FOUND},
 * {@code FORBIDDEN}, {@code TOO_LARGE} describe the object; {@code UNAVAILABLE} means try again later.
 * Implementations do not retry; {@link RetryingObjectStore} does.
 */
public interface ObjectStore {

    /** Size, version tag and content type of an object. */
    ObjectInfo head(String bucket, String key);

    /**
     * The content of an object, refusing ({@code TOO_LARGE}) without reading it all when it has more than
     * {@code maxBytes} bytes.
     */
    StoredObject get(String bucket, String key, long maxBytes);

    /** Writes (or replaces) an object; readers never see a partly written object. */
    void put(String bucket, String key, byte[] content, String contentType);

    /** Whether an object exists. */
    boolean exists(String bucket, String key);

    /**
     * One page of the objects whose keys start with {@code prefix}, in key order: the latest version of each key.
     * A bucket that does not exist is {@code NOT_FOUND} ({@code bucket_not_found}); a prefix with no objects is an
     * empty last page.
     *
     * @param from     {@code null} for the first page, else the {@link ObjectPage#next()} of the page before
     * @param pageSize most objects in one page (S3 caps it at 1000)
     */
    ObjectPage list(String bucket, String prefix, String from, int pageSize);

    /**
     * Copies an object within the store (server-side where the store offers it), tags included.
     * A missing target bucket is {@code NOT_FOUND} ({@code bucket_not_found}).
     */
    default void copy(String fromBucket, String fromKey, String toBucket, String toKey) {
        throw StorageException.unsupported("copy", getClass().getSimpleName());
    }

    /** Deletes an object; deleting one that is not there is not an error. */
    default void delete(String bucket, String key) {
        throw StorageException.unsupported("delete", getClass().getSimpleName());
    }

    /**
     * The current version of an object with its tags (S3 object tagging). Stores without object tags answer
     * {@code UNSUPPORTED} ({@code operation_unsupported}).
     */
    default TaggedVersion tags(String bucket, String key) {
        throw StorageException.unsupported("object tagging", getClass().getSimpleName());
    }

    /**
     * Replaces the tag set of one version of an object ({@code versionId} from {@link #tags}, {@code null} in an
     * unversioned bucket).
     */
    default void putTags(String bucket, String key, String versionId, Map<String, String> tags) {
        throw StorageException.unsupported("object tagging", getClass().getSimpleName());
    }

    /**
     * @param versionTag the version's eTag without quotes, comparable with {@link StoredObject#versionTag()}
     * @param versionId  the S3 version id, {@code null} in an unversioned bucket
     * @param tags       its tags, in the store's order
     */
    record TaggedVersion(String versionTag, String versionId, Map<String, String> tags) {
    }
}
