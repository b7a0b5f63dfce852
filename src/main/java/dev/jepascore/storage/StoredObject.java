package dev.jepascore.storage;

/**
 * The bytes of one object as read, with the version they belong to.
 *
 * @param bytes       the object's content
 * @param versionTag  the store's tag for this content (S3 eTag without quotes, MD5 hex for the local store)
 * @param contentType the stored content type, {@code null} when unknown
 */
public record StoredObject(byte[] bytes, String versionTag, String contentType) {
}
