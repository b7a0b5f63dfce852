package dev.jepascore.job;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.JepaException.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.jepascore.event.BadEventException;
import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.event.ParsedEvent;
import dev.jepascore.storage.ObjectInfo;
import dev.jepascore.storage.ObjectPage;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.BucketAllowList;
import dev.jepascore.storage.StorageConfig;
import dev.jepascore.storage.StorageException;
import dev.jepascore.storage.StoredObject;

/**
 * The job's storage decisions without a model: these paths never reach the scoring service, so it is absent.
 * Paths that score are covered end to end by the HTTP tests.
 */
class ObjectScoringJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A map as a store; keys listed in {@code failures} fail with the given exception on read or write. */
    static final class MemoryStore implements ObjectStore {
        final Map<String, byte[]> objects = new HashMap<>();
        final Map<String, StorageException> readFailures = new HashMap<>();
        final Map<String, StorageException> writeFailures = new HashMap<>();
        /** Reads of a key that answer "not found" before it appears (an event ahead of its object). */
        final Map<String, Integer> missingReads = new HashMap<>();
        int puts;
        int reads;

        private static String id(String bucket, String key) {
            return bucket + "/" + key;
        }

        @Override
        public ObjectInfo head(String bucket, String key) {
            return new ObjectInfo(get(bucket, key, Long.MAX_VALUE).bytes().length, "t", null);
        }

        @Override
        public StoredObject get(String bucket, String key, long maxBytes) {
            reads++;
            Integer missing = missingReads.get(id(bucket, key));
            if (missing != null && missing > 0) {
                missingReads.put(id(bucket, key), missing - 1);
                throw StorageException.notFound(bucket, key, null);
            }
            StorageException failure = readFailures.get(id(bucket, key));
            if (failure != null) {
                throw failure;
            }
            byte[] bytes = objects.get(id(bucket, key));
            if (bytes == null) {
                throw StorageException.notFound(bucket, key, null);
            }
            return new StoredObject(bytes, "t", null);
        }

        @Override
        public void put(String bucket, String key, byte[] content, String contentType) {
            StorageException failure = writeFailures.get(id(bucket, key));
            if (failure != null) {
                throw failure;
            }
            puts++;
            objects.put(id(bucket, key), content);
        }

        @Override
        public boolean exists(String bucket, String key) {
            return objects.containsKey(id(bucket, key));
        }

        @Override
        public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
            List<ObjectPage.Listed> keys = objects.keySet().stream().filter(id -> id.startsWith(bucket + "/" + prefix))
                    .map(id -> id.substring(bucket.length() + 1)).filter(key -> from == null || key.compareTo(from) > 0)
                    .sorted().limit(pageSize + 1L).map(key -> new ObjectPage.Listed(key, null, objects.get(id(bucket, key)).length))
                    .toList();
            return keys.size() <= pageSize ? new ObjectPage(keys, null)
                    : new ObjectPage(keys.subList(0, pageSize), keys.get(pageSize - 1).key());
        }
    }

    private static StorageConfig config() {
        return config(StorageConfig.Kind.LOCAL);
    }

    private static StorageConfig config(StorageConfig.Kind storeKind) {
        return new StorageConfig() {
            @Override
            public Kind kind() {
                return storeKind;
            }

            @Override
            public Local local() {
                return new Local() {
                    @Override
                    public Path root() {
                        return Path.of("unused");
                    }

                    @Override
                    public String pollInterval() {
                        return "off";
                    }

                    @Override
                    public Duration settleTime() {
                        return Duration.ZERO;
                    }
                };
            }

            @Override
            public String uploadsBucket() {
                return "uploads";
            }

            @Override
            public String resultsPrefix() {
                return "jepa-scores/";
            }

            @Override
            public java.util.Map<String, String> bucketModels() {
                return java.util.Map.of();
            }

            public Optional<String> resultsBucket() {
                return Optional.empty();
            }

            @Override
            public Optional<String> resultsSigningKey() {
                return Optional.empty();
            }

            @Override
            public Optional<List<String>> buckets() {
                return Optional.empty();
            }

            @Override
            public long maxObjectBytes() {
                return 1024;
            }

            @Override
            public Retry retry() {
                return new Retry() {
                    @Override
                    public int maxAttempts() {
                        return 1;
                    }

                    @Override
                    public Duration initialBackoff() {
                        return Duration.ofMillis(1);
                    }

                    @Override
                    public Duration maxBackoff() {
                        return Duration.ofMillis(2);
                    }

                    @Override
                    public int notFoundAttempts() {
                        return 3;
                    }

                    @Override
                    public Duration attemptTimeout() {
                        return Duration.ofSeconds(1);
                    }

                    @Override
                    public Duration eventBudget() {
                        return Duration.ofSeconds(5);
                    }
                };
            }
        };
    }

    private static ObjectRef ref(String key, String tag) {
        return new ObjectRef("uploads", key, tag, null, null, "ObjectCreated:Put", EventFormat.S3_RECORDS);
    }

    private final MemoryStore store = new MemoryStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ObjectScoringJob job = new ObjectScoringJob(store, null, null, JSON, config(), registry,
            new BucketAllowList(config()), () -> 100);

    @Test
    void access_denied_object_gets_a_failure_document() throws Exception {
        store.readFailures.put("uploads/private.png", StorageException.forbidden("read", "uploads", "private.png", null));
        ObjectOutcome outcome = job.process(ref("private.png", "v1"));
        assertEquals(Outcome.FAILED, outcome.outcome());
        assertEquals("access_denied", outcome.error().code());
        JsonNode document = JSON.readTree(store.objects.get("jepa-results/jepa-scores/uploads/private.png@v1.json"));
        assertEquals("access_denied", document.path("error").path("code").asText());
        assertEquals("private.png", document.path("object").path("key").asText());
    }

    @Test
    void oversized_object_gets_a_failure_document() {
        store.objects.put("uploads/huge.png", new byte[2048]);
        store.readFailures.put("uploads/huge.png", StorageException.tooLarge("uploads", "huge.png", 2048, 1024, "v1"));
        assertEquals("object_too_large", job.process(ref("huge.png", "v1")).error().code());
    }

    @Test
    void storage_outage_on_read_propagates_and_writes_nothing() {
        store.readFailures.put("uploads/a.png", StorageException.unavailable("read", "uploads", "a.png", null));
        StorageException e = assertThrows(StorageException.class, () -> job.process(ref("a.png", "v1")));
        assertTrue(e.kind().retriable());
        assertEquals(0, store.puts);
        assertEquals(1.0, registry.counter("jepa.storage.errors", "code", "storage_unavailable").count());
    }

    @Test
    void storage_outage_on_writing_the_document_propagates() {
        store.readFailures.put("uploads/huge.png", StorageException.tooLarge("uploads", "huge.png", 2048, 1024, "v1"));
        store.writeFailures.put("jepa-results/jepa-scores/uploads/huge.png@v1.json",
                StorageException.unavailable("write", "uploads", "jepa-scores/huge.png@v1.json", null));
        StorageException e = assertThrows(StorageException.class, () -> job.process(ref("huge.png", "v1")));
        assertEquals(Kind.UNAVAILABLE, e.kind());
    }

    @Test
    void redelivered_permanent_failure_returns_the_stored_document_and_writes_nothing() {
        store.readFailures.put("uploads/huge.png", StorageException.tooLarge("uploads", "huge.png", 2048, 1024, "v1"));
        assertEquals(Outcome.FAILED, job.process(ref("huge.png", "v1")).outcome());
        assertEquals(1, store.puts);
        ObjectOutcome again = job.process(ref("huge.png", "v1"));
        assertEquals(Outcome.DUPLICATE, again.outcome());
        assertEquals("object_too_large", again.error().code());
        assertEquals(1, store.puts);
        assertEquals(1.0, registry.counter("jepa.storage.objects", "outcome", "failed").count());
        assertEquals(1.0, registry.counter("jepa.storage.objects", "outcome", "duplicate").count());
    }

    @Test
    void object_missing_after_every_read_is_retriable_and_writes_nothing() {
        StorageException e = assertThrows(StorageException.class, () -> job.process(ref("later.png", "v1")));
        assertEquals(ErrorCode.OBJECT_NOT_FOUND, e.code());
        assertTrue(e.kind().retriable(), "a missing object must be redelivered, not recorded as gone");
        assertEquals(3, store.reads);
        assertEquals(0, store.puts);
    }

    @Test
    void object_that_appears_between_reads_is_processed_in_the_same_delivery() {
        store.missingReads.put("uploads/late.png", 2);
        store.readFailures.put("uploads/late.png", StorageException.tooLarge("uploads", "late.png", 2048, 1024, "v1"));
        ObjectOutcome outcome = job.process(ref("late.png", "v1"));
        assertEquals("object_too_large", outcome.error().code(), "the third read found the object");
        assertEquals(3, store.reads);
    }

    @Test
    void stored_failures_that_can_clear_are_checked_again_not_answered_duplicate() {
        store.objects.put("jepa-results/jepa-scores/uploads/old.png@v1.json",
                "{\"outcome\": \"failed\", \"error\": {\"code\": \"object_not_found\"}}".getBytes());
        store.readFailures.put("uploads/old.png", StorageException.tooLarge("uploads", "old.png", 2048, 1024, "v1"));
        ObjectOutcome outcome = job.process(ref("old.png", "v1"));
        assertEquals(Outcome.FAILED, outcome.outcome());
        assertEquals("object_too_large", outcome.error().code(), "the object was read again");

        store.readFailures.put("uploads/private.png", StorageException.forbidden("read", "uploads", "private.png", null));
        assertEquals(Outcome.FAILED, job.process(ref("private.png", "v1")).outcome());
        store.readFailures.remove("uploads/private.png");
        store.readFailures.put("uploads/private.png", StorageException.tooLarge("uploads", "private.png", 2048, 1024, "v1"));
        assertEquals("object_too_large", job.process(ref("private.png", "v1")).error().code(),
                "access was granted since: the next delivery reads the object");
    }

    @Test
    void oversized_object_without_an_event_tag_is_recorded_under_its_real_tag() {
        store.readFailures.put("uploads/big.png", StorageException.tooLarge("uploads", "big.png", 2048, 1024, "abc123"));
        ObjectOutcome outcome = job.process(ref("big.png", null));
        assertEquals("jepa-scores/uploads/big.png@abc123.json", outcome.resultKey());
        assertTrue(store.objects.containsKey("jepa-results/jepa-scores/uploads/big.png@abc123.json"));
    }

    @Test
    void one_unsafe_key_rejects_the_whole_event_before_any_work() {
        ParsedEvent event = new ParsedEvent(List.of(ref("fine.png", "v1"), ref("../escape.png", "v1")), List.of());
        BadEventException e = assertThrows(BadEventException.class, () -> job.process(event));
        assertEquals(ErrorCode.UNSAFE_OBJECT_KEY, e.code());
        assertEquals(0, store.puts);
    }

    @Test
    void result_documents_are_skipped_without_reading() {
        store.readFailures.put("jepa-results/jepa-scores/uploads/x.json", StorageException.unavailable("read", "uploads", "x", null));
        assertEquals(Outcome.SKIPPED, job.process(ref("jepa-scores/x.json", null)).outcome());
    }

    /** Issue 17: documents beside the uploads of an object store could be forged by any uploader. */
    @Test
    void object_store_with_documents_beside_the_uploads_and_no_signing_key_refuses_to_start() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ObjectScoringJob(store, null, null, JSON, config(StorageConfig.Kind.S3), registry,
                        new BucketAllowList(config()), () -> 100));
        assertTrue(e.getMessage().contains("jepa.storage.results-bucket")
                && e.getMessage().contains("jepa.storage.results-signing-key"), e.getMessage());
    }
}
