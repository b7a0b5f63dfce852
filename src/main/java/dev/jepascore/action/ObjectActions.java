package dev.jepascore.action;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.JepaException;
import dev.jepascore.event.ObjectKeys;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.result.Label;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StoredObject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * Acts on a verdict once its result document is written: tags the object, sends a flagged-object CloudEvent,
 * copies it to quarantine ({@link ActionsConfig}). Each action's end is recorded in the document's {@code actions}
 * array ({@link ActionRecord}), and the document is written again; a later delivery of the same object version reads
 * that array, so an action that is {@code done} never runs twice and a {@code failed} one runs again. Nothing here
 * scores: it only reads documents. A failure never costs the score or the document: it is recorded with its error
 * and counted ({@code jepa.action.failures}).
 * <p>
 * Concurrent deliveries of one version may both act before either records (at least once, not exactly once, under
 * that race); the flagged event's id is derived from the version so that a sink can drop the copy.
 */
@ApplicationScoped
public class ObjectActions {

    private static final Logger LOG = Logger.getLogger(ObjectActions.class);
    /** Result documents are small; anything bigger under a result key is not ours (as in the scoring job). */
    private static final long MAX_DOCUMENT_BYTES = 1 << 20;

    private final Map<String, ActionsConfig.Bucket> buckets;
    private final Map<String, URI> sinks = new TreeMap<>();
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Tracer tracer;
    private final FlaggedNotifier notifier;

    @Inject
    public ObjectActions(ActionsConfig config, @ConfigProperty(name = "K_SINK") Optional<String> kSink,
            ObjectMapper json, MeterRegistry metrics, Tracer tracer) {
        this.buckets = Map.copyOf(new TreeMap<>(config.buckets()));
        this.json = json;
        this.metrics = metrics;
        this.tracer = tracer;
        this.notifier = new FlaggedNotifier(json);
        for (Map.Entry<String, ActionsConfig.Bucket> e : new TreeMap<>(buckets).entrySet()) {
            check(e.getKey(), e.getValue(), kSink.filter(s -> !s.isBlank()));
        }
        if (!buckets.isEmpty()) {
            LOG.infof("Actions after scoring: %s", describe());
        }
    }

    /** No actions anywhere: for tests and tools that build the scoring job by hand. */
    public static ObjectActions none(ObjectMapper json) {
        return new ObjectActions(Map::of, Optional.empty(), json, new SimpleMeterRegistry(),
                OpenTelemetry.noop().getTracer("jepa-score"));
    }

    private void check(String bucket, ActionsConfig.Bucket actions, Optional<String> kSink) {
        String base = "jepa.actions." + bucket;
        String whyBucket = ObjectKeys.whyUnsafeBucket(bucket);
        if (whyBucket != null) {
            throw new IllegalArgumentException(base + " names an unusable bucket: " + whyBucket);
        }
        actions.notification().ifPresent(notify -> {
            if (notify.minLabel() == Label.TYPICAL) {
                throw new IllegalArgumentException(base + ".notify.min-label must be unusual or outlier, found typical "
                        + "(every object would be sent)");
            }
            if (notify.attempts() < 1) {
                throw new IllegalArgumentException(base + ".notify.attempts must be at least 1, found "
                        + notify.attempts());
            }
            URI sink = notify.url().or(() -> kSink.map(URI::create)).orElseThrow(() -> new IllegalArgumentException(
                    base + ".notify needs a sink: set " + base + ".notify.url, or K_SINK (a Knative SinkBinding sets it)"));
            if (!"http".equals(sink.getScheme()) && !"https".equals(sink.getScheme())) {
                throw new IllegalArgumentException(base + ".notify sink must be an http(s) URL, found " + sink);
            }
            sinks.put(bucket, sink);
        });
        actions.quarantine().ifPresent(q -> {
            String why = ObjectKeys.whyUnsafeBucket(q.bucket());
            if (why != null) {
                throw new IllegalArgumentException(base + ".quarantine.bucket names an unusable bucket: " + why);
            }
            if (!q.prefix().isEmpty() && (!q.prefix().endsWith("/") || q.prefix().startsWith("/"))) {
                throw new IllegalArgumentException(base + ".quarantine.prefix must be a relative prefix ending in '/', "
                        + "found '" + q.prefix() + "'");
            }
            if (q.bucket().equals(bucket) && q.prefix().isEmpty()) {
                throw new IllegalArgumentException(base + ".quarantine.prefix must be set when the quarantine bucket is "
                        + "the bucket itself (" + bucket + ")");
            }
            if (q.minLabel() == Label.TYPICAL) {
                throw new IllegalArgumentException(base + ".quarantine.min-label must be unusual or outlier, found "
                        + "typical");
            }
        });
    }

    private String describe() {
        List<String> parts = new ArrayList<>();
        buckets.forEach((bucket, a) -> {
            List<String> list = new ArrayList<>();
            if (a.tag()) {
                list.add("tag");
            }
            a.notification().ifPresent(n -> list.add("notify " + n.minLabel().json() + "+ to " + sinks.get(bucket)));
            a.quarantine().ifPresent(q -> list.add("quarantine " + q.minLabel().json() + "+ to " + q.bucket() + "/"
                    + q.prefix() + (q.deleteOriginal() ? " (original deleted)" : "")));
            parts.add(bucket + ": " + (list.isEmpty() ? "none" : String.join(", ", list)));
        });
        return String.join("; ", parts);
    }

    /** Whether objects of this bucket have any action. */
    public boolean configured(String bucket) {
        ActionsConfig.Bucket actions = buckets.get(bucket);
        return actions != null && (actions.tag() || actions.notification().isPresent() || actions.quarantine().isPresent());
    }

    /** Whether the object is a quarantine copy (of any bucket's configuration), and so must never be scored. */
    public boolean isQuarantined(String bucket, String key) {
        for (ActionsConfig.Bucket actions : buckets.values()) {
            if (actions.quarantine().map(q -> q.bucket().equals(bucket) && key.startsWith(q.prefix())).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the actions of {@code version}'s bucket that its document does not record as done, records them in the
     * document and writes it again. Returns every action the document now records (empty when the bucket has none
     * or the document holds no score).
     *
     * @throws dev.jepascore.storage.StorageException when the document cannot be read or written again (the event
     *                                                fails as it would for its first write)
     */
    public List<ActionRecord> complete(ObjectRef version, String documentBucket, String documentKey, ObjectStore store) {
        return complete(version, documentBucket, documentKey, store, UnaryOperator.identity());
    }

    /**
     * As {@link #complete(ObjectRef, String, String, ObjectStore)}, writing the document as {@code asStored} makes it
     * (signed, where result documents are signed: the document with its actions must verify like the first one).
     */
    public List<ActionRecord> complete(ObjectRef version, String documentBucket, String documentKey, ObjectStore store,
            UnaryOperator<ObjectNode> asStored) {
        if (!configured(version.bucket())) {
            return List.of();
        }
        Span span = tracer.spanBuilder("actions").setAttribute("jepa.object", version.toString()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            StoredObject stored = store.get(documentBucket, documentKey, MAX_DOCUMENT_BYTES);
            JsonNode read = parse(stored.bytes(), documentBucket, documentKey);
            ScoredVerdict verdict = read instanceof ObjectNode ? ScoredVerdict.of(read) : null;
            if (verdict == null) {
                return List.of();
            }
            ObjectNode document = (ObjectNode) read;
            Map<ActionType, ActionRecord> records = recorded(document);
            boolean ran = false;
            for (ActionType type : applicable(version.bucket(), verdict)) {
                ActionRecord previous = records.get(type);
                if (previous != null && previous.done()) {
                    continue;
                }
                records.put(type, run(type, version, verdict, documentBucket, documentKey, records, store));
                ran = true;
            }
            if (ran) {
                document.set("actions", json.valueToTree(new ArrayList<>(records.values())));
                store.put(documentBucket, documentKey,
                        json.writerWithDefaultPrettyPrinter().writeValueAsBytes(asStored.apply(document)), "application/json");
            }
            return List.copyOf(records.values());
        } catch (IOException e) {
            throw new ActionException(ErrorCode.RESULT_NOT_SERIALISABLE,
                    "Cannot serialise the result document " + documentBucket + "/" + documentKey, e);
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Fails the event, retriably, when an action of one of its objects failed in a way that may pass (a sink down,
     * storage unavailable): every document is written and records the failure, and the redelivery this asks for
     * completes the action. Failures that cannot pass by themselves (access denied, a missing quarantine bucket) stay
     * recorded and the event is answered normally.
     */
    public static void requireSettled(List<List<ActionRecord>> perObject) {
        List<String> pending = new ArrayList<>();
        for (List<ActionRecord> records : perObject) {
            for (ActionRecord r : records) {
                if (!r.done() && r.error() != null && r.error().retriable()) {
                    pending.add(r.type().id() + ": " + r.error().message());
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new ActionException(ErrorCode.ACTION_FAILED, "Scored and recorded, but "
                    + pending.size() + " action(s) failed and will be tried again on redelivery: "
                    + String.join("; ", pending), null);
        }
    }

    /** The actions that apply to this verdict, in running order. */
    private List<ActionType> applicable(String bucket, ScoredVerdict verdict) {
        ActionsConfig.Bucket actions = buckets.get(bucket);
        List<ActionType> types = new ArrayList<>();
        if (actions.tag()) {
            types.add(ActionType.TAG);
        }
        if (actions.notification().map(n -> verdict.atLeast(n.minLabel())).orElse(false)) {
            types.add(ActionType.NOTIFY);
        }
        if (actions.quarantine().map(q -> verdict.atLeast(q.minLabel())).orElse(false)) {
            types.add(ActionType.QUARANTINE);
        }
        return types;
    }

    private Map<ActionType, ActionRecord> recorded(ObjectNode document) {
        Map<ActionType, ActionRecord> records = new EnumMap<>(ActionType.class);
        JsonNode array = document.path("actions");
        if (array instanceof ArrayNode) {
            for (JsonNode node : array) {
                try {
                    ActionRecord r = json.treeToValue(node, ActionRecord.class);
                    if (r.type() != null && r.status() != null) {
                        records.put(r.type(), r);
                    }
                } catch (IOException | IllegalArgumentException e) {
                    LOG.debugf("Ignoring an unreadable action record %s: %s", node, e.getMessage());
                }
            }
        }
        return records;
    }

    private ActionRecord run(ActionType type, ObjectRef version, ScoredVerdict verdict, String documentBucket,
            String documentKey, Map<ActionType, ActionRecord> records, ObjectStore store) {
        ActionsConfig.Bucket actions = buckets.get(version.bucket());
        Span span = tracer.spanBuilder("action " + type.id()).setAttribute("jepa.action", type.id()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            String detail = switch (type) {
                case TAG -> ObjectTagger.tag(store, version, verdict);
                case NOTIFY -> notifier.send(sinks.get(version.bucket()), actions.notification().orElseThrow(),
                        notifier.event(version, verdict, documentBucket, documentKey, span.getSpanContext()));
                case QUARANTINE -> {
                    ActionsConfig.Quarantine settings = actions.quarantine().orElseThrow();
                    ActionRecord tag = records.get(ActionType.TAG);
                    if (settings.deleteOriginal() && tag != null && !tag.done()) {
                        // deleting now would leave the failed tags nothing to tag on their retry
                        throw new ActionException(ErrorCode.WAITING_FOR_TAG, tag.error() != null && tag.error().retriable()
                                ? JepaException.Kind.UNAVAILABLE : JepaException.Kind.BAD_INPUT,
                                "not moved while its tags are not written (delete-original is set)", null);
                    }
                    yield Quarantine.copy(store, version, settings);
                }
            };
            count(type, ActionRecord.Status.DONE, verdict);
            LOG.infof("Action %s on %s: %s", type.id(), version, detail);
            return new ActionRecord(type, ActionRecord.Status.DONE, Instant.now().toString(), detail, null);
        } catch (JepaException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.code().code());
            count(type, ActionRecord.Status.FAILED, verdict);
            Counter.builder("jepa.action.failures").description("Actions that failed, by action and error code")
                    .tag("type", type.id()).tag("code", e.code().code()).register(metrics).increment();
            LOG.warnf("Action %s on %s failed (%s: %s)%s", type.id(), version, e.code(), e.getMessage(),
                    e.kind().retriable() ? "; the event will be redelivered" : "; recorded, tried again on the next delivery");
            return new ActionRecord(type, ActionRecord.Status.FAILED, Instant.now().toString(), null,
                    new ActionRecord.Error(e.code().code(), e.getMessage(), e.kind().retriable()));
        } finally {
            span.end();
        }
    }

    private void count(ActionType type, ActionRecord.Status status, ScoredVerdict verdict) {
        Counter.builder("jepa.actions").description("Actions run on scored objects, by action, status and model")
                .tag("type", type.id()).tag("status", status.id()).tag("model", verdict.modelId())
                .register(metrics).increment();
    }

    private JsonNode parse(byte[] bytes, String bucket, String key) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new ActionException(ErrorCode.CORRUPT_RESULT_DOCUMENT, "Result document "
                    + bucket + "/" + key + " is not valid JSON; delete it to have the object rescored", e);
        }
    }
}
