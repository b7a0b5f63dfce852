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

    public RetryingObjectStore(ObjectStore delegate, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("jepa.storage.retry.max-attempts must be at least 1, found " + maxAttempts);
        }
        this.delegate = delegate;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
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

    /** Pause before retry number {@code retry} (1-based): doubling from the initial pause, capped. */
    public static Duration backoff(int retry, Duration initial, Duration max) {
        long millis = initial.toMillis() << Math.min(retry - 1, 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    private <T> T retry(String operation, String bucket, String key, Supplier<T> call) {
        for (int attempt = 1;; attempt++) {
            try {
                return call.get();
            } catch (StorageException e) {
                if (!e.kind().retriable() || attempt >= maxAttempts) {
                    throw e;
                }
                Duration pause = backoff(attempt, initialBackoff, maxBackoff);
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
