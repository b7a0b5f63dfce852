package dev.jepascore.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where objects are read from and result documents written to. The S3 connection itself (endpoint, region,
 * path-style access, credentials) is configured with the standard {@code quarkus.s3.*} properties.
 */
@ConfigMapping(prefix = "jepa.storage")
public interface StorageConfig {

    /** Which store to use. */
    enum Kind {
        /** A directory on the local file system; each bucket is a directory below {@code local.root}. */
        LOCAL,
        /** Any S3-compatible endpoint (AWS, MinIO, Ceph RGW, S3Proxy) through the AWS SDK v2 client. */
        S3
    }

    /** {@code local} (default, no cloud needed) or {@code s3}. */
    @WithDefault("local")
    Kind kind();

    /** Local store settings (used when {@code kind=local}). */
    Local local();

    /**
     * The bucket watched by the embedded poller: {@code data/uploads} with the default {@code local.root}.
     * With the local store, events naming this bucket read from that directory too.
     */
    @WithDefault("uploads")
    String uploadsBucket();

    /**
     * Key prefix under which result documents are written. Objects under it are never scored, so writing a result
     * never triggers another scoring. Must end with {@code /}.
     */
    @WithDefault("jepa-scores/")
    String resultsPrefix();

    /**
     * Bucket for result documents; the document key carries the source bucket name, so objects of different buckets
     * never collide. Unset: with the local store, {@value #LOCAL_RESULTS_BUCKET} (the directory
     * {@code <local.root>/jepa-results}, beside no upload); with an object store, each document goes into the bucket
     * of the object it describes, which anyone who may upload there can also write, so that layout needs
     * {@link #resultsSigningKey()} and start-up refuses it without one. A results bucket that is also in
     * {@link #buckets()} is beside uploads too and needs the key as well.
     */
    Optional<String> resultsBucket();

    /** The local store's results directory (a bucket of its own) when {@link #resultsBucket()} is unset. */
    String LOCAL_RESULTS_BUCKET = "jepa-results";

    /**
     * HMAC-SHA256 key signing result documents, at least 32 characters; read it from a secret (environment variable
     * {@code JEPA_STORAGE_RESULTS_SIGNING_KEY}). Required when documents live where uploaders can write (see
     * {@link #resultsBucket()}); when set, documents are signed in every layout and a document that does not verify
     * is never trusted: the object is scored again and the document rewritten.
     */
    Optional<String> resultsSigningKey();

    /**
     * The buckets (containers) this function may read, score and report on, comma-separated. Unset: the uploads
     * bucket and every bucket named in {@link #bucketModels()}. Events, reports and backfills naming any other
     * bucket are refused with 403 {@code bucket_not_allowed} before any storage call.
     */
    Optional<java.util.List<String>> buckets();

    /**
     * Objects larger than this many bytes are not read; they get a failure document ({@code object_too_large}).
     * Default 20 MiB, the same as the on-demand limit {@code jepa.image.max-bytes}, so an image that scores when
     * posted also scores when it lands in storage.
     */
    @WithDefault("20971520")
    long maxObjectBytes();

    /**
     * Which served model scores the objects of a bucket: {@code jepa.storage.bucket-models.<bucket>=<model id>}
     * (quote a bucket name holding dots: {@code jepa.storage.bucket-models."my.photos"=photo-vit}). Buckets without
     * an entry get the default model ({@code jepa.model.id}). Start-up fails when an entry names no served model.
     */
    Map<String, String> bucketModels();

    /** Retries of storage operations that failed in a way that may pass (timeouts, 5xx, throttling, refused). */
    Retry retry();

    interface Local {
        /** Root directory of the local store; relative paths are resolved against the working directory. */
        @WithDefault("data")
        Path root();

        /**
         * How often the embedded poller looks for new files in the uploads bucket, as a Quarkus scheduler
         * interval ({@code 2s}, {@code 500ms}); {@code off} disables it. Only active when {@code kind=local}.
         */
        @WithDefault("2s")
        String pollInterval();

        /**
         * A file is picked up once two polls in a row found it with the same size and modification time and it has
         * not been modified for this long, so files still being copied in are not read half-written.
         */
        @WithDefault("1s")
        Duration settleTime();
    }

    interface Retry {
        /** Attempts per storage operation, including the first. 1 disables retrying. */
        @WithDefault("3")
        int maxAttempts();

        /** Pause before the first retry; doubled for each further retry. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Upper bound of a single pause. */
        @WithDefault("2s")
        Duration maxBackoff();

        /**
         * Reads of an object that an event names but the store does not show (yet), including the first: an event
         * can arrive before its object is readable (eventual consistency, a notification sent before the upload
         * completes). The pauses between them are those above. When the object is still missing the event is
         * answered 503 {@code object_not_found} so that the platform redelivers it; nothing is recorded, so a later
         * delivery (or the local watcher) scores the object once it is there.
         */
        @WithDefault("4")
        int notFoundAttempts();

        /**
         * Longest one call to the S3 endpoint may take (connecting, the request, reading the body) before it is
         * abandoned as {@code storage_unavailable} and retried here. The SDK's own retries are off: these settings
         * are the one retry policy. A frozen endpoint (accepts, never answers) costs this per attempt.
         */
        @WithDefault("10s")
        Duration attemptTimeout();

        /**
         * Storage time of one event: no attempt starts and no pause ends after it, so an event ends (retriably)
         * within this plus one {@link #attemptTimeout()}. The defaults, 40 s + 10 s, stay below the 60 s request
         * timeout of the deploy/ targets (Knative, Cloud Run, Lambda) with room for admission and scoring.
         */
        @WithDefault("40s")
        Duration eventBudget();
    }
}
