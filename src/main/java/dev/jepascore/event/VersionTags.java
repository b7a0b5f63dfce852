package dev.jepascore.event;

import dev.jepascore.ErrorCode;

import java.util.regex.Pattern;

/**
 * What a version tag must look like, per source. A tag names the result document of one object version, so a
 * made-up tag ({@code BOGUS}, {@code a/b}, a newline) would let a caller create any number of documents for the
 * same bytes; one that does not have its source's shape is refused with 400 {@code bad_version_tag}.
 * <ul>
 * <li>S3, MinIO, Ceph RGW eTag: 32 hex digits (the MD5 of a single-part upload, or of the part MD5s), a multipart
 * one followed by {@code -N} (at most 10 000 parts: S3's own limit).</li>
 * <li>S3 version id (when an event has no eTag): letters, digits and {@code . _ - + / =}, at most 1 024 characters
 * (S3's documented bound), as AWS issues them.</li>
 * <li>GCS generation: a decimal number (a signed 64-bit value in the JSON API, at most 19 digits).</li>
 * <li>Azure eTag: {@code 0x} followed by hex digits (Event Grid sends 16).</li>
 * </ul>
 */
public final class VersionTags {

    static final Pattern S3_ETAG = Pattern.compile("[0-9a-fA-F]{32}(-[1-9][0-9]{0,4})?");
    static final Pattern S3_VERSION_ID = Pattern.compile("[A-Za-z0-9._+/=-]{1,1024}");
    static final Pattern GCS_GENERATION = Pattern.compile("[0-9]{1,19}");
    static final Pattern AZURE_ETAG = Pattern.compile("0x[0-9a-fA-F]{1,32}");

    private VersionTags() {
    }

    /** An S3-style eTag (quotes already stripped), or {@code null}. */
    static String s3ETag(String tag, String where) {
        return check(tag, S3_ETAG, where, "an S3 eTag is 32 hex digits, optionally followed by -<parts>");
    }

    static String s3VersionId(String tag, String where) {
        return check(tag, S3_VERSION_ID, where, "an S3 version id is at most 1024 letters, digits and . _ - + / =");
    }

    static String gcsGeneration(String tag, String where) {
        return check(tag, GCS_GENERATION, where, "a GCS generation is a decimal number of at most 19 digits");
    }

    static String azureETag(String tag, String where) {
        return check(tag, AZURE_ETAG, where, "an Azure eTag is 0x followed by at most 32 hex digits");
    }

    private static String check(String tag, Pattern shape, String where, String rule) {
        if (tag != null && !shape.matcher(tag).matches()) {
            throw new BadEventException(ErrorCode.BAD_VERSION_TAG, "Refusing version tag '" + LogText.escape(abbreviated(tag))
                    + "' in '" + where + "': " + rule);
        }
        return tag;
    }

    private static String abbreviated(String tag) {
        return tag.length() <= 80 ? tag : tag.substring(0, 80) + "... (" + tag.length() + " characters)";
    }
}
