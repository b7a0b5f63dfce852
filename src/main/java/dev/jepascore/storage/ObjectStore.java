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
}
