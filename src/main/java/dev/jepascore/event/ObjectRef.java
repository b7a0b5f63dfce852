package dev.jepascore.event;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One object named by a storage event, normalised across event formats.
 *
 * @param bucket      bucket (S3, GCS) or container (Azure); a directory below the local root for the local store
 * @param key         the object key as stored, already decoded from the event's encoding
 * @param versionTag  what identifies this version of the object: S3 eTag (quotes stripped) or versionId,
 *                    GCS generation, Azure eTag; {@code null} when the event carries none
 * @param size        size in bytes as announced by the event, {@code null} when absent
 * @param contentType content type as announced by the event, {@code null} when absent
 * @param eventType   the event's own type name, e.g. {@code ObjectCreated:Put}
 * @param format      which event format it came from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectRef(String bucket, String key, String versionTag, Long size, String contentType,
        String eventType, EventFormat format) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(format, "format");
    }

    /** The same reference with the version tag of the bytes actually read. */
    public ObjectRef withVersionTag(String tag) {
        return new ObjectRef(bucket, key, tag, size, contentType, eventType, format);
    }

    @Override
    public String toString() {
        return bucket + "/" + key + (versionTag == null ? "" : "@" + versionTag);
    }
}
