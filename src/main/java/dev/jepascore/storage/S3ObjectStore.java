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
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded));
            return new ObjectInfo(head.contentLength(), stripQuotes(head.eTag()), head.contentType());
        } catch (SdkException e) {
            throw map(e, "head", bucket, key);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("head", bucket, key, e);
        }
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded))) {
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
        } catch (SdkException e) {
            throw map(e, "read", bucket, key);
        } catch (IOException e) {
            throw StorageException.unavailable("read", bucket, key, e);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("read", bucket, key, e);
        }
    }

    @Override
    public void put(String bucket, String key, byte[] content, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).overrideConfiguration(this::bounded),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw map(e, "write", bucket, key);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("write", bucket, key, e);
        }
    }

    /** Server-side CopyObject; the copy keeps the source's tags and metadata (the default directives). */
    @Override
    public void copy(String fromBucket, String fromKey, String toBucket, String toKey) {
        try {
            s3.copyObject(b -> b.sourceBucket(fromBucket).sourceKey(fromKey).destinationBucket(toBucket)
                    .destinationKey(toKey).overrideConfiguration(this::bounded));
        } catch (SdkException e) {
            // a missing bucket (either one) is 404 NoSuchBucket, a missing source NoSuchKey
            throw map(e, "copy '" + fromBucket + "/" + fromKey + "' to", toBucket, toKey);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("copy to", toBucket, toKey, e);
        }
    }

    @Override
    public void delete(String bucket, String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded));
        } catch (SdkException e) {
            throw map(e, "delete", bucket, key);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("delete", bucket, key, e);
        }
    }

    /** HeadObject for the current version's eTag and version id, then GetObjectTagging of that version. */
    @Override
    public TaggedVersion tags(String bucket, String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded));
            String versionId = head.versionId();
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : s3.getObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId)
                    .overrideConfiguration(this::bounded)).tagSet()) {
                tags.put(tag.key(), tag.value());
            }
            return new TaggedVersion(stripQuotes(head.eTag()), versionId, tags);
        } catch (SdkException e) {
            throw map(e, "read the tags of", bucket, key);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("read the tags of", bucket, key, e);
        }
    }

    @Override
    public void putTags(String bucket, String key, String versionId, Map<String, String> tags) {
        List<Tag> tagSet = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> tagSet.add(Tag.builder().key(k).value(v).build()));
        try {
            s3.putObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId).tagging(t -> t.tagSet(tagSet))
                    .overrideConfiguration(this::bounded));
        } catch (SdkException e) {
            throw map(e, "tag", bucket, key);
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("tag", bucket, key, e);
        }
    }

    @Override
    public boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key).overrideConfiguration(this::bounded));
            return true;
        } catch (SdkException e) {
            StorageException mapped = map(e, "head", bucket, key);
            if (mapped.code() == ErrorCode.OBJECT_NOT_FOUND) {
                return false;
            }
            throw mapped;
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("head", bucket, key, e);
        }
    }

    @Override
    public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
        try {
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix.isEmpty() ? null : prefix)
                    .continuationToken(from).maxKeys(pageSize).overrideConfiguration(this::bounded));
            List<ObjectPage.Listed> objects = new ArrayList<>(page.contents().size());
            for (S3Object object : page.contents()) {
                objects.add(new ObjectPage.Listed(object.key(), stripQuotes(object.eTag()),
                        object.size() == null ? -1 : object.size()));
            }
            boolean more = Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null;
            return new ObjectPage(objects, more ? page.nextContinuationToken() : null);
        } catch (SdkException e) {
            StorageException mapped = map(e, "list", bucket, prefix + "*");
            // a missing bucket answers 404 without the NoSuchBucket code on some servers: listing names no object
            throw mapped.code() == ErrorCode.OBJECT_NOT_FOUND ? StorageException.bucketNotFound(bucket, e) : mapped;
        } catch (UncheckedIOException e) {
            throw StorageException.unavailable("list", bucket, prefix + "*", e);
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
