package dev.jepascore.storage;

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
}
