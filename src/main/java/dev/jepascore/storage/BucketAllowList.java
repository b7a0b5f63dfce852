package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.jepascore.JepaException;

/**
 * The buckets this function may touch ({@code jepa.storage.buckets}; by default the uploads bucket and every bucket
 * of {@code jepa.storage.bucket-models}). Checked before any storage call, so a refusal reads the same whether or
 * not the bucket or the key exists: an event, report or backfill naming another bucket learns nothing about it.
 */
@Singleton
public class BucketAllowList {

    private final Set<String> allowed;

    @Inject
    public BucketAllowList(StorageConfig config) {
        this(allowed(config));
    }

    public BucketAllowList(Set<String> allowed) {
        this.allowed = Set.copyOf(new TreeSet<>(allowed));
        if (this.allowed.isEmpty()) {
            throw new IllegalArgumentException("jepa.storage.buckets names no bucket: the function could score nothing");
        }
    }

    static Set<String> allowed(StorageConfig config) {
        Set<String> out = new TreeSet<>();
        if (config.buckets().isPresent()) {
            config.buckets().get().stream().map(String::strip).filter(b -> !b.isEmpty()).forEach(out::add);
        } else {
            out.add(config.uploadsBucket());
            out.addAll(config.bucketModels().keySet());
        }
        return out;
    }

    public boolean allows(String bucket) {
        return bucket != null && allowed.contains(bucket);
    }

    /** The allowed buckets, in name order. */
    public Set<String> buckets() {
        return new TreeSet<>(allowed);
    }

    /**
     * Refuses a bucket outside the list with 403 {@code bucket_not_allowed}.
     *
     * @param what what named it, for the message ("the event", "the report")
     */
    public void require(String bucket, String what) {
        if (!allows(bucket)) {
            throw new StorageException(ErrorCode.BUCKET_NOT_ALLOWED, "Refusing " + what
                    + ": bucket '" + bucket + "' is not one this function serves (jepa.storage.buckets); nothing was "
                    + "read or written", null);
        }
    }
}
