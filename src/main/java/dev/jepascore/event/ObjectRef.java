package dev.jepascore.event;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param storeTag    whether {@code versionTag} is of the kind the object store reports for the bytes it reads (an
 *                    S3 eTag: from an S3 event's or EventBridge's eTag field, a bucket listing, or a read), so that a
 *                    read can be checked against it; {@code false} for S3 version ids, GCS generations and Azure
 *                    eTags, which no read through the store can be compared with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectRef(String bucket, String key, String versionTag, Long size, String contentType,
        String eventType, EventFormat format, @JsonIgnore boolean storeTag) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(format, "format");
    }

    /** A reference whose version tag (if any) cannot be compared with the store's. */
    public ObjectRef(String bucket, String key, String versionTag, Long size, String contentType, String eventType,
            EventFormat format) {
        this(bucket, key, versionTag, size, contentType, eventType, format, false);
    }

    /** The same reference with the version tag of the bytes actually read. */
    public ObjectRef withVersionTag(String tag) {
        return new ObjectRef(bucket, key, tag, size, contentType, eventType, format, true);
    }

    /**
     * The version that replaced this one, as read: its own tag, and its size and content type as read (the event's
     * describe the version it named), {@code null} where unknown.
     */
    public ObjectRef replacedBy(String tag, Long readSize, String readContentType) {
        return new ObjectRef(bucket, key, tag, readSize, readContentType, eventType, format, true);
    }

    /**
     * Whether bytes the store read under {@code readTag} are another version than the one named here: only when both
     * tags are known and of the same kind ({@link #storeTag}) and differ. The object was replaced after the event was
     * sent (or the event is late), so nothing may be recorded under this reference's tag for those bytes. Tags are
     * compared without surrounding quotes and ignoring case (eTags are hex digits, a multipart one with {@code -N}).
     */
    public boolean supersededBy(String readTag) {
        return storeTag && versionTag != null && readTag != null
                && !unquoted(versionTag).equalsIgnoreCase(unquoted(readTag));
    }

    private static String unquoted(String tag) {
        String t = tag.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    @Override
    public String toString() {
        return LogText.escape(bucket + "/" + key + (versionTag == null ? "" : "@" + versionTag));
    }
}
