package dev.jepascore.result;

import java.util.Optional;

import dev.jepascore.event.ObjectRef;
import dev.jepascore.storage.BucketAllowList;
import dev.jepascore.storage.StorageConfig;

/**
 * Where the document for one object version lives: {@code <prefix><bucket>/<key>@<tag>.json} in the results bucket
 * (by default; the local store's is {@code jepa-results}), or {@code <prefix><key>@<tag>.json} in the object's own
 * bucket when no results bucket is configured for an object store. The same version always maps to the same key,
 * which is what makes redelivery harmless. Keys under the prefix are never scored, in any bucket.
 */
public final class ResultKeys {

    /** Tag used when neither the event nor the store gave a version (only for objects that could not be read). */
    static final String UNVERSIONED = "unversioned";

    private final String prefix;
    private final Optional<String> resultsBucket;

    public ResultKeys(String prefix, Optional<String> resultsBucket) {
        if (prefix.isEmpty() || !prefix.endsWith("/") || prefix.startsWith("/")) {
            throw new IllegalArgumentException(
                    "jepa.storage.results-prefix must be a relative prefix ending in '/', found '" + prefix + "'");
        }
        this.prefix = prefix;
        this.resultsBucket = resultsBucket;
    }

    /** The layout {@code jepa.storage.*} asks for; see {@link StorageConfig#resultsBucket()}. */
    public static ResultKeys from(StorageConfig config) {
        Optional<String> bucket = config.resultsBucket().isPresent() || config.kind() != StorageConfig.Kind.LOCAL
                ? config.resultsBucket() : Optional.of(StorageConfig.LOCAL_RESULTS_BUCKET);
        return new ResultKeys(config.resultsPrefix(), bucket);
    }

    /** Whether documents live where uploaders may write: beside each object, or in a bucket that takes uploads. */
    public boolean besideUploads(BucketAllowList buckets) {
        return resultsBucket.isEmpty() || buckets.allows(resultsBucket.get());
    }

    /** The results bucket, empty when each document lives in its object's bucket. */
    public Optional<String> resultsBucket() {
        return resultsBucket;
    }

    public String prefix() {
        return prefix;
    }

    /** Whether the object is a result document itself, and so must never be scored. */
    public boolean isResult(ObjectRef ref) {
        return ref.key().startsWith(prefix);
    }

    public String bucketFor(ObjectRef ref) {
        return resultsBucket.orElse(ref.bucket());
    }

    /** The bucket holding the documents of objects in {@code bucket}. */
    public String documentsBucket(String bucket) {
        return resultsBucket.orElse(bucket);
    }

    /** The key prefix of the documents of every object in {@code bucket} whose key starts with {@code keyPrefix}. */
    public String documentsPrefix(String bucket, String keyPrefix) {
        return prefix + (resultsBucket.isPresent() ? bucket + "/" : "") + keyPrefix;
    }

    public String keyFor(ObjectRef ref) {
        String tag = ref.versionTag() == null ? UNVERSIONED : safeTag(ref.versionTag());
        return prefix + (resultsBucket.isPresent() ? ref.bucket() + "/" : "") + ref.key() + "@" + tag + ".json";
    }

    /** Version tags become part of a key: keep letters, digits, {@code . _ -}; anything else becomes {@code _}. */
    static String safeTag(String tag) {
        StringBuilder out = new StringBuilder(tag.length());
        for (int i = 0; i < tag.length(); i++) {
            char ch = tag.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '.' || ch == '_' || ch == '-';
            out.append(ok ? ch : '_');
        }
        return out.length() == 0 || out.toString().matches("\\.+") ? UNVERSIONED : out.toString();
    }
}
