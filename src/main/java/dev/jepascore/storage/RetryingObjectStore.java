package dev.jepascore.storage;

import java.time.Duration;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Retries operations of another store that failed with {@code UNAVAILABLE}, pausing
 * {@code initial, 2*initial, 4*initial, ...} (each at most {@code maxBackoff}) between attempts, then gives up with
 * the last {@code UNAVAILABLE} failure so the caller can ask for redelivery. Other failures pass at once.
 */
public class RetryingObjectStore implements ObjectStore {

    private static final Logger LOG = Logger.getLogger(RetryingObjectStore.class);

    private final ObjectStore delegate;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    /** No attempt starts, and no pause ends, after this {@link System#nanoTime()}; {@code null}: no deadline. */
    private final Long deadline;

    public RetryingObjectStore(ObjectStore delegate, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(delegate, maxAttempts, initialBackoff, maxBackoff, null);
    }

    private RetryingObjectStore(ObjectStore delegate, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
            Long deadline) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("jepa.storage.retry.max-attempts must be at least 1, found " + maxAttempts);
        }
        this.delegate = delegate;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.deadline = deadline;
    }

    /**
     * The same store for the work of one event: it starts no attempt and sleeps no pause past {@code budget} from
     * now, so that the event's storage time stays bounded (at most the budget plus one call's own timeout) however
     * slow the store is, and the event is answered retriably in time for the platform to redeliver it.
     */
    public RetryingObjectStore within(Duration budget) {
        return new RetryingObjectStore(delegate, maxAttempts, initialBackoff, maxBackoff,
                System.nanoTime() + budget.toNanos());
    }

    public ObjectStore delegate() {
        return delegate;
    }

    @Override
    public ObjectInfo head(String bucket, String key) {
        return retry("head", bucket, key, () -> delegate.head(bucket, key));
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) {
        return retry("get", bucket, key, () -> delegate.get(bucket, key, maxBytes));
    }

    @Override
    public void put(String bucket, String key, byte[] content, String contentType) {
        retry("put", bucket, key, () -> {
            delegate.put(bucket, key, content, contentType);
            return null;
        });
    }

    @Override
    public boolean exists(String bucket, String key) {
        return retry("exists", bucket, key, () -> delegate.exists(bucket, key));
    }

    @Override
    public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
        return retry("list", bucket, prefix + "*", () -> delegate.list(bucket, prefix, from, pageSize));
    }

    @Override
    public void copy(String fromBucket, String fromKey, String toBucket, String toKey) {
        retry("copy", toBucket, toKey, () -> {
            delegate.copy(fromBucket, fromKey, toBucket, toKey);
            return null;
        });
    }

    @Override
    public void delete(String bucket, String key) {
        retry("delete", bucket, key, () -> {
            delegate.delete(bucket, key);
            return null;
        });
    }

    @Override
    public TaggedVersion tags(String bucket, String key) {
        return retry("get tags of", bucket, key, () -> delegate.tags(bucket, key));
    }

    @Override
    public void putTags(String bucket, String key, String versionId, java.util.Map<String, String> tags) {
        retry("tag", bucket, key, () -> {
            delegate.putTags(bucket, key, versionId, tags);
            return null;
        });
    }

    /** Pause before retry number {@code retry} (1-based): doubling from the initial pause, capped. */
    public static Duration backoff(int retry, Duration initial, Duration max) {
        long millis = initial.toMillis() << Math.min(retry - 1, 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    private <T> T retry(String operation, String bucket, String key, Supplier<T> call) {
        for (int attempt = 1;; attempt++) {
            if (deadline != null && System.nanoTime() - deadline >= 0) {
                throw StorageException.unavailable(operation, bucket, key,
                        new java.util.concurrent.TimeoutException("the storage time budget of this event is spent "
                                + "(jepa.storage.retry.event-budget)"));
            }
            try {
                return call.get();
            } catch (StorageException e) {
                if (!e.kind().retriable() || attempt >= maxAttempts) {
                    throw e;
                }
                Duration pause = backoff(attempt, initialBackoff, maxBackoff);
                if (deadline != null && System.nanoTime() + pause.toNanos() - deadline >= 0) {
                    throw e;
                }
                LOG.warnf("%s %s/%s failed (attempt %d of %d), retrying in %d ms: %s", operation, bucket, key, attempt,
                        maxAttempts, pause.toMillis(), e.getMessage());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
