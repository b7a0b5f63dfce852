package dev.jepascore.storage;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Chooses the store from {@code jepa.storage.kind}. The S3 client is looked up only for {@code kind=s3}, so the
 * default (local) application never builds one.
 * <p>
 * {@link RetryingObjectStore} is the one retry policy: before the S3 client is built, the SDK's own attempts are set
 * to 1 through its documented {@code aws.maxAttempts} setting (unless the deployment set it, or
 * {@code AWS_MAX_ATTEMPTS}, itself), so its retries do not multiply ours; every call is bounded by
 * {@code jepa.storage.retry.attempt-timeout} in {@link S3ObjectStore}.
 */
@Singleton
public class ObjectStoreProducer {

    private static final Logger LOG = Logger.getLogger(ObjectStoreProducer.class);

    @Produces
    @Singleton
    ObjectStore objectStore(StorageConfig config, Instance<S3Client> s3) {
        StorageConfig.Retry retry = config.retry();
        ObjectStore store = switch (config.kind()) {
            case LOCAL -> {
                LocalObjectStore local = new LocalObjectStore(config.local().root());
                LOG.infof("Object store: local directory %s (bucket = directory)", local.root());
                yield local;
            }
            case S3 -> {
                if (System.getProperty(SdkSystemSetting.AWS_MAX_ATTEMPTS.property()) == null
                        && System.getenv(SdkSystemSetting.AWS_MAX_ATTEMPTS.environmentVariable()) == null) {
                    System.setProperty(SdkSystemSetting.AWS_MAX_ATTEMPTS.property(), "1");
                }
                LOG.infof("Object store: S3-compatible endpoint configured by quarkus.s3.*; each call bounded by "
                        + "%d ms, %d attempts, %d s of storage time per event", retry.attemptTimeout().toMillis(),
                        retry.maxAttempts(), retry.eventBudget().toSeconds());
                yield new S3ObjectStore(s3.get(), retry.attemptTimeout());
            }
        };
        return new RetryingObjectStore(store, retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff());
    }

    void close(@Disposes ObjectStore store) {
        // the S3 client is the extension's bean and closed by it; nothing of ours holds native resources
    }
}
