package dev.jepascore.storage;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

import dev.jepascore.JepaException.Kind;

/**
 * Any S3-compatible endpoint through the AWS SDK v2 client that quarkus-amazon-s3 builds from {@code quarkus.s3.*}
 * (endpoint override, path-style access, region, credentials). Objects are streamed: the declared length is checked
 * before the body is read, and at most one byte past the limit is ever read.
 */
public class S3ObjectStore implements ObjectStore {

    /** S3 answers 501 Not Implemented for APIs a server lacks (S3Proxy: tagging, notifications): not transient. */
    private static final int NOT_IMPLEMENTED = 501;

    private final S3Client s3;
    private final Duration callTimeout;

    /** @param callTimeout the longest one call may take, all its attempts included; then it fails as unavailable */
    public S3ObjectStore(S3Client s3, Duration callTimeout) {
        this.s3 = s3;
        this.callTimeout = callTimeout;
    }

    private void bounded(AwsRequestOverrideConfiguration.Builder o) {
        o.apiCallTimeout(callTimeout).apiCallAttemptTimeout(callTimeout);
    }

    @Override
    public ObjectInfo head(String bucket, String key) {
        HeadObjectResponse head = call("head", bucket, key,
                () -> s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded)));
        return new ObjectInfo(head.contentLength(), stripQuotes(head.eTag()), head.contentType());
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) {
        return call("read", bucket, key, () -> {
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(
                    b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded))) {
                GetObjectResponse response = in.response();
                Long declared = response.contentLength();
                if (declared != null && declared > maxBytes) {
                    in.abort();
                    throw StorageException.tooLarge(bucket, key, declared, maxBytes, stripQuotes(response.eTag()));
                }
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    in.abort();
                    throw StorageException.tooLarge(bucket, key, -1, maxBytes, stripQuotes(response.eTag()));
                }
                return new StoredObject(bytes, stripQuotes(response.eTag()), response.contentType());
            }
        });
    }

    @Override
    public void put(String bucket, String key, byte[] content, String contentType) {
        call("write", bucket, key, () -> s3.putObject(
                b -> b.bucket(bucket).key(key).contentType(contentType).overrideConfiguration(this::bounded),
                RequestBody.fromBytes(content)));
    }

    /**
     * Server-side CopyObject; the copy keeps the source's tags and metadata (the default directives). A missing bucket
     * (either one) is 404 NoSuchBucket, a missing source NoSuchKey.
     */
    @Override
    public void copy(String fromBucket, String fromKey, String toBucket, String toKey) {
        call("copy '" + fromBucket + "/" + fromKey + "' to", toBucket, toKey,
                () -> s3.copyObject(b -> b.sourceBucket(fromBucket).sourceKey(fromKey).destinationBucket(toBucket)
                        .destinationKey(toKey).overrideConfiguration(this::bounded)));
    }

    @Override
    public void delete(String bucket, String key) {
        call("delete", bucket, key,
                () -> s3.deleteObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded)));
    }

    /** HeadObject for the current version's eTag and version id, then GetObjectTagging of that version. */
    @Override
    public TaggedVersion tags(String bucket, String key) {
        return call("read the tags of", bucket, key, () -> {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded));
            String versionId = head.versionId();
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : s3.getObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId)
                    .overrideConfiguration(this::bounded)).tagSet()) {
                tags.put(tag.key(), tag.value());
            }
            return new TaggedVersion(stripQuotes(head.eTag()), versionId, tags);
        });
    }

    @Override
    public void putTags(String bucket, String key, String versionId, Map<String, String> tags) {
        List<Tag> tagSet = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> tagSet.add(Tag.builder().key(k).value(v).build()));
        call("tag", bucket, key, () -> s3.putObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId)
                .tagging(t -> t.tagSet(tagSet)).overrideConfiguration(this::bounded)));
    }

    @Override
    public boolean exists(String bucket, String key) {
        try {
            call("head", bucket, key,
                    () -> s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded)));
            return true;
        } catch (StorageException e) {
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
        ListObjectsV2Response page;
        try {
            page = call("list", bucket, prefix + "*", () -> s3.listObjectsV2(b -> b.bucket(bucket)
                    .prefix(prefix.isEmpty() ? null : prefix).continuationToken(from).maxKeys(pageSize)
                    .overrideConfiguration(this::bounded)));
        } catch (StorageException e) {
            // a missing bucket answers 404 without the NoSuchBucket code on some servers: listing names no object
            throw e.code() == ErrorCode.OBJECT_NOT_FOUND ? StorageException.bucketNotFound(bucket, e.getCause()) : e;
        }
        List<ObjectPage.Listed> objects = new ArrayList<>(page.contents().size());
        for (S3Object object : page.contents()) {
            objects.add(new ObjectPage.Listed(object.key(), stripQuotes(object.eTag()),
                    object.size() == null ? -1 : object.size()));
        }
        boolean more = Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null;
        return new ObjectPage(objects, more ? page.nextContinuationToken() : null);
    }

    /** One S3 request, with what is read from its answer. */
    @FunctionalInterface
    private interface S3Call<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code request}, which {@code operation}s {@code key} in {@code bucket}: an SDK failure becomes a storage
     * failure by {@link #map}; a body or connection that breaks while it is read is unavailable storage.
     */
    private static <T> T call(String operation, String bucket, String key, S3Call<T> request) {
        try {
            return request.run();
        } catch (SdkException e) {
            throw map(e, operation, bucket, key);
        } catch (IOException | UncheckedIOException e) {
            throw StorageException.unavailable(operation, bucket, key, e);
        }
    }

    /** One place where SDK failures become storage failures; only transient ones are {@code UNAVAILABLE}. */
    static StorageException map(SdkException e, String operation, String bucket, String key) {
        if (e instanceof NoSuchKeyException) {
            return StorageException.notFound(bucket, key, e);
        }
        if (e instanceof NoSuchBucketException) {
            return StorageException.bucketNotFound(bucket, e);
        }
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            if (status == 404) {
                return "NoSuchBucket".equals(code) ? StorageException.bucketNotFound(bucket, e)
                        : StorageException.notFound(bucket, key, e);
            }
            if (status == 403) {
                return StorageException.forbidden(operation, bucket, key, e);
            }
            if (s3e.isThrottlingException() || status == 429 || (status >= 500 && status != NOT_IMPLEMENTED)) {
                return StorageException.unavailable(operation, bucket, key, e);
            }
            return new StorageException(ErrorCode.STORAGE_ERROR, "S3 refused to " + operation + " '" + key
                    + "' in bucket '" + bucket + "': HTTP " + status + (code == null ? "" : " " + code), e);
        }
        if (e instanceof SdkClientException) {
            // connection refused or reset, timeouts, DNS: the endpoint may come back
            return StorageException.unavailable(operation, bucket, key, e);
        }
        return StorageException.unavailable(operation, bucket, key, e);
    }

    private static String stripQuotes(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }
}
