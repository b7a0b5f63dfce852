package dev.jepascore.action;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.JepaException;
import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.result.Label;
import dev.jepascore.storage.ObjectInfo;
import dev.jepascore.storage.ObjectPage;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StorageException;
import dev.jepascore.storage.StoredObject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Action decisions without a model or a server: start-up checks of the settings, S3's tag limit, and failures
 * injected into the store (a bucket that refuses tagging, storage that is down).
 */
class ObjectActionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOC = "jepa-scores/a.png@v1.json";

    /** Documents and tags in maps; {@code tagFailure}, when set, is what tagging throws. */
    static final class TagStore implements ObjectStore {
        final Map<String, byte[]> objects = new HashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        StorageException tagFailure;

        @Override
        public ObjectInfo head(String bucket, String key) {
            return new ObjectInfo(1, "v1", null);
        }

        @Override
        public StoredObject get(String bucket, String key, long maxBytes) {
            byte[] bytes = objects.get(bucket + "/" + key);
            if (bytes == null) {
                throw StorageException.notFound(bucket, key, null);
            }
            return new StoredObject(bytes, "d", null);
        }

        @Override
        public void put(String bucket, String key, byte[] content, String contentType) {
            objects.put(bucket + "/" + key, content);
        }

        @Override
        public boolean exists(String bucket, String key) {
            return objects.containsKey(bucket + "/" + key);
        }

        @Override
        public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
            return new ObjectPage(List.of(), null);
        }

        @Override
        public TaggedVersion tags(String bucket, String key) {
            if (tagFailure != null) {
                throw tagFailure;
            }
            return new TaggedVersion("v1", null, tags);
        }

        @Override
        public void putTags(String bucket, String key, String versionId, Map<String, String> written) {
            tags.clear();
            tags.putAll(written);
        }
    }

    static ActionsConfig.Bucket bucket(boolean tag, ActionsConfig.Notify notify, ActionsConfig.Quarantine quarantine) {
        return new ActionsConfig.Bucket() {
            @Override
            public boolean tag() {
                return tag;
            }

            @Override
            public Optional<ActionsConfig.Notify> notification() {
                return Optional.ofNullable(notify);
            }

            @Override
            public Optional<ActionsConfig.Quarantine> quarantine() {
                return Optional.ofNullable(quarantine);
            }
        };
    }

    static ActionsConfig.Notify notify(Label min, String url) {
        return new ActionsConfig.Notify() {
            @Override
            public Label minLabel() {
                return min;
            }

            @Override
            public Optional<URI> url() {
                return Optional.ofNullable(url).map(URI::create);
            }

            @Override
            public int attempts() {
                return 1;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(10);
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(1);
            }
        };
    }

    static ActionsConfig.Quarantine quarantine(String bucket, String prefix) {
        return new ActionsConfig.Quarantine() {
            @Override
            public String bucket() {
                return bucket;
            }

            @Override
            public Optional<String> prefixSetting() {
                return Optional.ofNullable(prefix);
            }

            @Override
            public boolean deleteOriginal() {
                return false;
            }

            @Override
            public Label minLabel() {
                return Label.OUTLIER;
            }
        };
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ObjectActions actions(Map<String, ActionsConfig.Bucket> buckets, String kSink) {
        return new ObjectActions(() -> buckets, Optional.ofNullable(kSink), JSON, registry,
                OpenTelemetry.noop().getTracer("test"));
    }

    private static String startupError(Runnable start) {
        return assertThrows(IllegalArgumentException.class, start::run).getMessage();
    }

    @Test
    void notify_without_a_sink_stops_start_up_with_one_line_naming_the_keys() {
        String message = startupError(() -> actions(Map.of("photos", bucket(false, notify(Label.OUTLIER, null), null)),
                null));
        assertEquals("jepa.actions.photos.notify needs a sink: set jepa.actions.photos.notify.url, or K_SINK "
                + "(a Knative SinkBinding sets it)", message);
        assertFalse(message.contains("\n"));
        assertDoesNotThrow(() -> actions(Map.of("photos", bucket(false, notify(Label.OUTLIER, null), null)),
                "http://broker.example/default"), "K_SINK is a sink");
    }

    @Test
    void quarantine_into_its_own_bucket_without_a_prefix_stops_start_up() {
        assertEquals("jepa.actions.photos.quarantine.prefix must be set when the quarantine bucket is the bucket "
                + "itself (photos)", startupError(() -> actions(Map.of("photos", bucket(false, null,
                        quarantine("photos", null))), null)));
        assertTrue(startupError(() -> actions(Map.of("photos", bucket(false, null, quarantine("held", "/abs/"))),
                null)).startsWith("jepa.actions.photos.quarantine.prefix must be a relative prefix"));
    }

    @Test
    void notify_for_typical_objects_is_refused() {
        assertTrue(startupError(() -> actions(Map.of("photos", bucket(false, notify(Label.TYPICAL, "http://s/"), null)),
                null)).startsWith("jepa.actions.photos.notify.min-label must be unusual or outlier"));
    }

    @Test
    void quarantine_prefix_of_any_bucket_is_never_scored() {
        ObjectActions a = actions(Map.of("photos", bucket(false, null, quarantine("held", "q/"))), null);
        assertTrue(a.isQuarantined("held", "q/x.png"));
        assertFalse(a.isQuarantined("held", "x.png"));
        assertFalse(a.isQuarantined("photos", "q/x.png"));
    }

    @Test
    void tag_merge_keeps_other_tags_within_the_s3_limit() {
        Map<String, String> seven = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) {
            seven.put("k" + i, "v");
        }
        Map<String, String> ours = Map.of("jepa-label", "outlier", "jepa-outlier-pct", "99.9", "jepa-model", "m");
        assertEquals(10, ObjectTagger.merge(seven, ours).size());
        Map<String, String> withOld = new LinkedHashMap<>(seven);
        withOld.put("jepa-label", "typical");
        assertEquals("outlier", ObjectTagger.merge(withOld, ours).get("jepa-label"), "our own old tag is replaced");
        seven.put("k7", "v");
        ActionException e = assertThrows(ActionException.class, () -> ObjectTagger.merge(seven, ours));
        assertEquals(ErrorCode.TOO_MANY_TAGS, e.code());
        assertEquals("a_b_c", ObjectTagger.tagValue("a*b<c"));
    }

    private static ObjectRef ref() {
        return new ObjectRef("photos", "a.png", "v1", null, null, "ObjectCreated:Put", EventFormat.S3_RECORDS, true);
    }

    private static TagStore scoredDocument() {
        TagStore store = new TagStore();
        store.put("photos", DOC, """
                {"object": {"bucket": "photos", "key": "a.png"}, "outcome": "scored", "jepaScore": -200.5,
                 "percentile": 40.0, "label": "outlier", "outlierPercentile": 99.91, "model": {"id": "fmnist-lejepa"}}
                """.getBytes(StandardCharsets.UTF_8), "application/json");
        return store;
    }

    @Test
    void bucket_refusing_tagging_keeps_the_document_records_the_failure_and_counts_it() throws Exception {
        TagStore store = scoredDocument();
        store.tagFailure = StorageException.forbidden("tag", "photos", "a.png", null);
        ObjectActions a = actions(Map.of("photos", bucket(true, null, null)), null);
        List<ActionRecord> records = a.complete(ref(), "photos", DOC, store);
        assertEquals(1, records.size());
        ActionRecord tag = records.get(0);
        assertEquals(ActionRecord.Status.FAILED, tag.status());
        assertEquals("access_denied", tag.error().code());
        assertFalse(tag.error().retriable(), "a missing permission does not pass by itself");
        assertDoesNotThrow(() -> ObjectActions.requireSettled(List.of(records)), "the event is answered, not redelivered");
        JsonNode document = JSON.readTree(store.objects.get("photos/" + DOC));
        assertEquals(-200.5, document.path("jepaScore").asDouble(), 0.0, "the score is kept");
        assertEquals("failed", document.path("actions").path(0).path("status").asText());
        assertEquals(1.0, registry.counter("jepa.action.failures", "type", "tag", "code", "access_denied").count());
        assertEquals(1.0, registry.counter("jepa.actions", "type", "tag", "status", "failed", "model", "fmnist-lejepa")
                .count());

        store.tagFailure = null; // permission granted: the next delivery completes it
        ActionRecord done = a.complete(ref(), "photos", DOC, store).get(0);
        assertEquals(ActionRecord.Status.DONE, done.status());
        assertEquals(Map.of("jepa-label", "outlier", "jepa-outlier-pct", "99.9", "jepa-model", "fmnist-lejepa"),
                store.tags);
        byte[] after = store.objects.get("photos/" + DOC);
        a.complete(ref(), "photos", DOC, store);
        assertTrue(after == store.objects.get("photos/" + DOC), "nothing left to do: the document is not rewritten");
    }

    @Test
    void storage_down_while_tagging_asks_for_redelivery() {
        TagStore store = scoredDocument();
        store.tagFailure = StorageException.unavailable("tag", "photos", "a.png", new java.io.IOException("reset"));
        List<ActionRecord> records = actions(Map.of("photos", bucket(true, null, null)), null)
                .complete(ref(), "photos", DOC, store);
        assertTrue(records.get(0).error().retriable());
        JepaException e = assertThrows(ActionException.class, () -> ObjectActions.requireSettled(List.of(records)));
        assertEquals(JepaException.Kind.UNAVAILABLE, e.kind());
        assertEquals(ErrorCode.ACTION_FAILED, e.code());
    }

    @Test
    void object_replaced_since_scoring_is_not_tagged_with_the_old_verdict() {
        TagStore store = scoredDocument();
        ObjectRef older = new ObjectRef("photos", "a.png", "v0", null, null, "ObjectCreated:Put", EventFormat.S3_RECORDS,
                true);
        ActionRecord tag = actions(Map.of("photos", bucket(true, null, null)), null)
                .complete(older, "photos", DOC, store).get(0);
        assertEquals("object_replaced", tag.error().code());
        assertTrue(store.tags.isEmpty());
    }
}
