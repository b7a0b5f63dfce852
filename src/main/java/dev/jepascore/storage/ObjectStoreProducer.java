package dev.jepascore.storage;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Chooses the store from {@code jepa.storage.kind}. The S3 client is looked up only for {@code kind=s3}, so the
 * default (local) application never builds one.
 */
@Singleton
public class ObjectStoreProducer {

    private static final Logger LOG = Logger.getLogger(ObjectStoreProducer.class);

    @Produces
    @Singleton
    ObjectStore objectStore(StorageConfig config, Instance<S3Client> s3) {
        ObjectStore store = switch (config.kind()) {
            case LOCAL -> {
                LocalObjectStore local = new LocalObjectStore(config.local().root());
                LOG.infof("Object store: local directory %s (bucket = directory)", local.root());
                yield local;
            }
            case S3 -> {
                LOG.info("Object store: S3-compatible endpoint configured by quarkus.s3.*");
                yield new S3ObjectStore(s3.get());
            }
        };
        StorageConfig.Retry retry = config.retry();
        return new RetryingObjectStore(store, retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff());
    }
}
