package dev.jepascore.storage;

/**
 * Metadata of one stored object.
 *
 * @param size        size in bytes
 * @param versionTag  S3 eTag without quotes, or MD5 hex for the local store
 * @param contentType the stored content type, {@code null} when unknown
 */
public record ObjectInfo(long size, String versionTag, String contentType) {
}
