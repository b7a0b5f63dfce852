package dev.jepascore.storage;

import java.util.List;

/**
 * One page of a listing, in key order.
 *
 * @param objects the objects of this page (at most the page size asked for)
 * @param next    what to pass to {@link ObjectStore#list} for the next page; {@code null} after the last page
 */
public record ObjectPage(List<Listed> objects, String next) {

    /**
     * One listed object.
     *
     * @param key        the key as stored
     * @param versionTag the tag a storage event would name for this version (S3 eTag without quotes), or {@code null}
     *                   where the listing does not tell it cheaply (the local store hashes the bytes when it reads them)
     * @param size       size in bytes
     */
    public record Listed(String key, String versionTag, long size) {
    }

    public boolean last() {
        return next == null;
    }
}
