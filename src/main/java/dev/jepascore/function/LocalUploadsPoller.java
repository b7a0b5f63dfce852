package dev.jepascore.function;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.jepascore.JepaException;
import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.job.ObjectScoringJob;
import dev.jepascore.startup.StartupWork;
import dev.jepascore.storage.LocalObjectStore;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.RetryingObjectStore;
import dev.jepascore.storage.StorageConfig;

import io.quarkus.scheduler.Scheduled;

/**
 * The embedded default's event source: every {@code jepa.storage.local.poll-interval} it looks for files in the
 * local uploads bucket ({@code data/uploads}) that are new or changed and settled (same size and modification time
 * as at the previous poll, and not modified for {@code settle-time}), and hands each to the same job
 * as a storage event would. The job's result documents make this idempotent across restarts; the in-memory
 * {@code seen} map only saves re-reading files between polls. Inactive unless {@code jepa.storage.kind=local}.
 */
@ApplicationScoped
public class LocalUploadsPoller {

    private static final Logger LOG = Logger.getLogger(LocalUploadsPoller.class);
    static final String EVENT_TYPE = "local:poll";

    @Inject
    StorageConfig config;

    @Inject
    ObjectStore store;

    @Inject
    ObjectScoringJob job;

    @Inject
    StartupWork startup;

    /** key -> "lastModified:size" of the version last handed to the job. */
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    /** key -> "lastModified:size" found by the previous poll, for files not handed over yet. */
    private final Map<String, String> previous = new ConcurrentHashMap<>();
    private volatile boolean announced;

    @Scheduled(identity = "jepa-local-uploads", every = "${jepa.storage.local.poll-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (!startup.ready() // files found while the model loads are picked up by the first poll after it
                || config.kind() != StorageConfig.Kind.LOCAL
                || !(store instanceof RetryingObjectStore retrying)
                || !(retrying.delegate() instanceof LocalObjectStore local)) {
            return;
        }
        String bucket = config.uploadsBucket();
        announce(local.root().resolve(bucket), local.root().resolve(job.keys().documentsBucket(bucket))
                .resolve(job.keys().documentsPrefix(bucket, "")));
        long settled = System.currentTimeMillis() - config.local().settleTime().toMillis();
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (LocalObjectStore.Entry entry : local.list(bucket, job.keys().prefix())) {
            String version = entry.lastModifiedMillis() + ":" + entry.size();
            listed.add(entry.key());
            if (version.equals(seen.get(entry.key()))) {
                continue;
            }
            // settled: unchanged in size and time since the previous poll, and not modified for settle-time,
            // so a file still being copied in (written in place, not moved) is not read half-written
            boolean unchanged = version.equals(previous.put(entry.key(), version));
            if (!unchanged || entry.lastModifiedMillis() > settled) {
                continue;
            }
            ObjectRef ref = new ObjectRef(bucket, entry.key(), null, entry.size(), null, EVENT_TYPE,
                    EventFormat.LOCAL_POLL);
            try {
                job.process(ref);
                seen.put(entry.key(), version);
                previous.remove(entry.key());
            } catch (JepaException e) {
                if (e.kind().retriable()) {
                    LOG.warnf("Will retry %s/%s on the next poll: %s", bucket, entry.key(), e.getMessage());
                } else {
                    LOG.warnf("Cannot process %s/%s (%s): %s", bucket, entry.key(), e.code(), e.getMessage());
                    seen.put(entry.key(), version);
                    previous.remove(entry.key());
                }
            }
        }
        previous.keySet().retainAll(listed);
    }

    private void announce(Path uploads, Path documents) {
        if (announced) {
            return;
        }
        try {
            Files.createDirectories(uploads);
        } catch (IOException e) {
            LOG.errorf("Cannot create the uploads directory %s: %s", uploads, e.getMessage());
            return;
        }
        announced = true;
        LOG.infof("Watching %s: files copied in are scored, results appear under %s", uploads, documents);
    }
}
