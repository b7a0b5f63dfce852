package dev.jepascore.job;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jepascore.JepaException;
import dev.jepascore.event.BadEventException;
import dev.jepascore.event.EventConfig;
import dev.jepascore.event.LogText;
import dev.jepascore.action.ActionRecord;
import dev.jepascore.action.ObjectActions;
import dev.jepascore.event.ObjectKeys;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.event.ParsedEvent;
import dev.jepascore.result.ScoreMode;
import dev.jepascore.result.ScoreResult;
import dev.jepascore.score.ScoringService;
import dev.jepascore.startup.StartupWork;
import dev.jepascore.storage.BucketAllowList;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.RetryingObjectStore;
import dev.jepascore.storage.StorageConfig;
import dev.jepascore.storage.StorageException;
import dev.jepascore.storage.StoredObject;
import dev.jepascore.result.ResultKeys;
import dev.jepascore.result.ResultSeal;
import dev.jepascore.result.Failure;
import io.quarkus.runtime.Startup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * Scores every object an event names and records one document per object version.
 * <p>
 * For each object: skip it if it is a result document; return the stored document if this version already has one;
 * otherwise read it (size-limited), score it with the same {@link ScoringService} as the on-demand call (with the
 * bucket's model from {@code jepa.storage.bucket-models}, else the default model; the document names it), and write
 * the result document, or a failure document when the object cannot be scored (not an image, corrupt, too large,
 * access denied). Storage failures that may pass ({@code UNAVAILABLE}), an object that is not there (yet) after a few
 * reads, an overloaded function and internal failures propagate, so the event is reported as failed and the platform
 * redelivers it; they never produce a document.
 * <p>
 * Only failures that are facts about the version's bytes are final ({@link Failure#PERMANENT}); a stored failure of
 * any other kind is checked again by the next delivery, never answered as a {@code duplicate}.
 * <p>
 * A document is keyed by the version tag the event names (eTag, generation), so a redelivered event is answered
 * without reading the object again; events without one (and the local poller) use the tag of the bytes read. When the
 * event's tag is an eTag and the bytes read carry another, the object was replaced after the event was sent: nothing
 * is recorded under the event's tag, the version read is handled under its own tag, and the answer is
 * {@link Outcome#SUPERSEDED} (so a redelivery never claims the named version was scored). GCS generations, Azure
 * eTags and S3 version ids cannot be compared with what a read reports, so they are trusted as before.
 * Created at start-up so that a bad {@code jepa.storage.*} setting fails the start, not the first event.
 */
@Startup
@ApplicationScoped
public class ObjectScoringJob {

    private static final Logger LOG = Logger.getLogger(ObjectScoringJob.class);
    /** Result documents are small; anything bigger under a result key is not ours. */
    private static final long MAX_DOCUMENT_BYTES = 1 << 20;
    static final String JSON_TYPE = "application/json";

    private final ObjectStore store;
    private final ScoringService scoring;
    private final StartupWork startup;
    private final ObjectMapper json;
    private final ResultKeys keys;
    private final long maxObjectBytes;
    private final StorageConfig.Retry retry;
    private final MeterRegistry metrics;
    private final BucketAllowList buckets;
    private final ResultSeal seal;
    private final int maxRecords;
    /** bucket -> id of the model that scores its objects ({@code jepa.storage.bucket-models}); others: the default. */
    private final Map<String, String> bucketModels;
    /** What to do with a verdict once its document is written (tag, notify, quarantine); see the action package. */
    private final ObjectActions actions;
    /** Spans: event (one per object), read, write; decode and score come from the scoring service, actions after. */
    private final Tracer tracer;

    public ObjectScoringJob(ObjectStore store, ScoringService scoring, StartupWork startup, ObjectMapper json,
            StorageConfig config, MeterRegistry metrics, BucketAllowList buckets, EventConfig events) {
        this(store, scoring, startup, json, config, metrics, buckets, events, ObjectActions.none(json),
                OpenTelemetry.noop().getTracer("dev.jepascore"));
    }

    @Inject
    public ObjectScoringJob(ObjectStore store, ScoringService scoring, StartupWork startup, ObjectMapper json,
            StorageConfig config, MeterRegistry metrics, BucketAllowList buckets, EventConfig events,
            ObjectActions actions, Tracer tracer) {
        this.buckets = buckets;
        this.maxRecords = events.maxRecords();
        this.seal = new ResultSeal(json, config.resultsSigningKey());
        this.actions = actions;
        this.tracer = tracer;
        this.metrics = metrics;
        this.startup = startup;
        this.store = store;
        this.scoring = scoring;
        this.json = json;
        this.keys = ResultKeys.from(config);
        this.maxObjectBytes = config.maxObjectBytes();
        this.retry = config.retry();
        this.bucketModels = Map.copyOf(config.bucketModels());
        if (!bucketModels.isEmpty()) {
            List<String> served = scoring.ids();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(bucketModels).entrySet()) {
                if (!served.contains(e.getValue())) {
                    throw new IllegalArgumentException("jepa.storage.bucket-models." + e.getKey() + "=" + e.getValue()
                            + " names no served model; the served ids are " + served);
                }
            }
        }
        if (keys.besideUploads(buckets) && !seal.signs()) {
            throw new IllegalArgumentException("Result documents would live where uploaders can write ("
                    + keys.resultsBucket().map(b -> "jepa.storage.results-bucket=" + b + " is also an upload bucket")
                            .orElse("beside each object: jepa.storage.results-bucket is unset")
                    + "), so anyone who may upload could forge them; set jepa.storage.results-bucket to a bucket only "
                    + "this function writes, or jepa.storage.results-signing-key to sign them");
        }
        if (retry.notFoundAttempts() < 1) {
            throw new IllegalArgumentException(
                    "jepa.storage.retry.not-found-attempts must be at least 1, found " + retry.notFoundAttempts());
        }
    }

    public ResultKeys keys() {
        return keys;
    }

    /**
     * Processes every object of the event, in order, each named version once (a record repeated in the same event is
     * answered once). More than {@code jepa.event.max-records} records, an unsafe key or a bucket outside
     * {@code jepa.storage.buckets} anywhere rejects the whole event before any object is touched.
     *
     * @throws BadEventException for too many records, an unsafe key or bucket name
     * @throws StorageException  {@code bucket_not_allowed}; {@code UNAVAILABLE} when storage stayed unreachable
     */
    public ScoringReport process(ParsedEvent event) {
        int records = event.objects().size() + event.ignoredTypes().size();
        if (records > maxRecords) {
            throw new BadEventException(ErrorCode.TOO_MANY_RECORDS, "The event carries " + records
                    + " records; at most " + maxRecords + " are accepted in one request (jepa.event.max-records): "
                    + "send them in several requests");
        }
        Map<String, ObjectRef> distinct = new LinkedHashMap<>();
        for (ObjectRef ref : event.objects()) {
            ObjectKeys.requireSafe(ref.bucket(), ref.key());
            buckets.require(ref.bucket(), "the event");
            distinct.putIfAbsent(ref.bucket() + "\u0000" + ref.key() + "\u0000" + ref.versionTag(), ref);
        }
        ObjectStore budgeted = budgeted();
        List<ObjectOutcome> outcomes = new ArrayList<>();
        for (ObjectRef ref : distinct.values()) {
            outcomes.add(process(ref, budgeted));
        }
        ObjectActions.requireSettled(outcomes.stream().map(o -> o.effective().actions())
                .filter(java.util.Objects::nonNull).toList());
        return new ScoringReport(outcomes, event.ignoredTypes());
    }

    /** Processes one object; see the class comment. A bucket outside the allow-list is refused first. */
    public ObjectOutcome process(ObjectRef ref) {
        ObjectKeys.requireSafe(ref.bucket(), ref.key());
        buckets.require(ref.bucket(), "the object");
        return process(ref, budgeted());
    }

    /**
     * {@code backfill --apply-actions}: runs the actions that the stored document of the object's current version
     * does not record as done; never scores. An object without a document (not scored yet) is {@code skipped}.
     */
    public ObjectOutcome completeActions(ObjectRef ref) {
        ObjectKeys.requireSafe(ref.bucket(), ref.key());
        ObjectStore store = budgeted();
        if (keys.isResult(ref) || actions.isQuarantined(ref.bucket(), ref.key())) {
            return new ObjectOutcome(ref, Outcome.SKIPPED, null, null, null, null, null, null);
        }
        ObjectRef version = ref.versionTag() != null ? ref
                : ref.withVersionTag(store.head(ref.bucket(), ref.key()).versionTag());
        ObjectOutcome existing = existing(version, store);
        return existing == null ? new ObjectOutcome(version, Outcome.SKIPPED, null, null, null, null, null, null)
                : act(existing, store);
    }

    /** The store as seen by the work of one event: its storage time bounded by {@code retry.event-budget}. */
    private ObjectStore budgeted() {
        return store instanceof RetryingObjectStore retrying ? retrying.within(retry.eventBudget()) : store;
    }

    private ObjectOutcome process(ObjectRef ref, ObjectStore store) {
        Span span = tracer.spanBuilder("event").setAttribute("jepa.bucket", ref.bucket())
                .setAttribute("jepa.key", ref.key()).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            ObjectOutcome outcome = act(processOne(ref, store), store);
            Counter.builder("jepa.storage.objects").description("Objects named by storage events, by outcome")
                    .tag("outcome", outcome.outcome().id()).register(metrics).increment();
            span.setAttribute("jepa.outcome", outcome.outcome().id());
            return outcome;
        } catch (JepaException e) {
            Counter.builder("jepa.storage.errors")
                    .description("Objects whose event failed without a document (redelivery expected), by code")
                    .tag("code", e.code().code()).register(metrics).increment();
            span.setStatus(StatusCode.ERROR, e.code().code());
            throw e;
        } finally {
            span.end();
        }
    }

    private ObjectOutcome processOne(ObjectRef ref, ObjectStore store) {
        ObjectKeys.requireSafe(ref.bucket(), ref.key());
        if (keys.isResult(ref)) {
            LOG.debugf("Skipping %s: it is under the results prefix %s", ref, keys.prefix());
            return new ObjectOutcome(ref, Outcome.SKIPPED, null, null, null, null, null, null);
        }
        if (actions.isQuarantined(ref.bucket(), ref.key())) {
            LOG.debugf("Skipping %s: it is a quarantine copy", ref);
            return new ObjectOutcome(ref, Outcome.SKIPPED, null, null, null, null, null, null);
        }
        if (ref.versionTag() != null) {
            ObjectOutcome existing = existing(ref, store);
            if (existing != null) {
                return existing;
            }
        }
        StoredObject object;
        try {
            object = read(ref, store);
        } catch (StorageException e) {
            if (!e.kind().clientError()) {
                throw e;
            }
            if (ref.supersededBy(e.versionTag())) {
                return superseded(ref, recordFailure(ref.replacedBy(e.versionTag(), null, null), e, store));
            }
            boolean tagged = ref.versionTag() == null && e.versionTag() != null;
            return recordFailure(tagged ? ref.withVersionTag(e.versionTag()) : ref, e, store);
        }
        if (ref.supersededBy(object.versionTag())) {
            ObjectRef read = ref.replacedBy(object.versionTag(), (long) object.bytes().length, object.contentType());
            return superseded(ref, scoreOrFind(read, object, store));
        }
        return ref.versionTag() == null ? scoreOrFind(ref.withVersionTag(object.versionTag()), object, store)
                : score(ref, object, store);
    }

    /**
     * Completes the actions of a scored version (scored now, or a redelivery whose document records an action as
     * failed or not yet run) after its document is written; the document records them. Never rescores.
     */
    private ObjectOutcome act(ObjectOutcome outcome, ObjectStore store) {
        ObjectOutcome version = outcome.effective();
        boolean scored = version.outcome() == Outcome.SCORED || version.outcome() == Outcome.DUPLICATE;
        if (!scored || version.error() != null || !actions.configured(version.object().bucket())) {
            return outcome;
        }
        List<ActionRecord> recorded = actions.complete(version.object(), version.resultBucket(), version.resultKey(),
                store, seal::sign);
        return recorded.isEmpty() ? outcome : outcome.withActions(recorded);
    }

    /**
     * The answer for an event whose version is gone: the object was replaced after the event was sent, so the bytes
     * read are another version's. Nothing is written under the named version (it would hold another version's score,
     * and a redelivery would call it a duplicate); the version read is handled as its own event would be.
     */
    private static ObjectOutcome superseded(ObjectRef named, ObjectOutcome current) {
        LOG.infof("%s was replaced before it was read: %s %s instead, nothing recorded for the version named",
                named, current.object().versionTag(), current.outcome().id());
        return ObjectOutcome.superseded(named, current);
    }

    /** The stored document of the version read, else that version scored now. */
    private ObjectOutcome scoreOrFind(ObjectRef version, StoredObject object, ObjectStore store) {
        ObjectOutcome existing = existing(version, store);
        return existing != null ? existing : score(version, object, store);
    }

    /** Scores the bytes read and writes the document of {@code version} (their own version): result or failure. */
    private ObjectOutcome score(ObjectRef version, StoredObject object, ObjectStore store) {
        ScoreResult result;
        try {
            startup.awaitReady(); // an event that woke the function waits for the model (retriable 503 after the wait)
            result = scoring.score(object.bytes(), bucketModels.get(version.bucket()), null);
        } catch (JepaException e) {
            if (!e.kind().clientError()) {
                throw e;
            }
            return recordFailure(version, e, store);
        }
        ObjectNode document = document(version, Outcome.SCORED);
        document.setAll((ObjectNode) json.valueToTree(result));
        document.put("recordedAt", Instant.now().toString());
        String bucket = keys.bucketFor(version);
        String key = keys.keyFor(version);
        Span write = tracer.spanBuilder("write").startSpan();
        try {
            store.put(bucket, key, bytes(document), JSON_TYPE);
        } finally {
            write.end();
        }
        ObjectOutcome outcome = outcome(version, Outcome.SCORED, bucket, key, document);
        LOG.infof("Scored %s/%s: jepaScore=%s outlierScore=%s label=%s reasons=%s -> %s/%s", version.bucket(),
                version.key(), outcome.jepaScore(), outcome.outlierScore(), outcome.label(), result.reasons(), bucket, key);
        return outcome;
    }

    /**
     * The object's bytes, read again (after the retry pauses) while the store does not show it: an event may arrive
     * before its object is readable. Still missing after {@code not-found-attempts} reads, the failure becomes
     * retriable, so the event is redelivered instead of the object being recorded as gone for good.
     */
    private StoredObject read(ObjectRef ref, ObjectStore store) {
        Span span = tracer.spanBuilder("read").startSpan();
        try {
            return readWithin(ref, store);
        } finally {
            span.end();
        }
    }

    private StoredObject readWithin(ObjectRef ref, ObjectStore store) {
        long start = System.nanoTime();
        for (int attempt = 1;; attempt++) {
            try {
                return store.get(ref.bucket(), ref.key(), maxObjectBytes);
            } catch (StorageException e) {
                if (e.kind() != JepaException.Kind.NOT_FOUND) {
                    throw e;
                }
                if (attempt >= retry.notFoundAttempts()) {
                    throw e.retriable("still missing after " + attempt + " reads over "
                            + (System.nanoTime() - start) / 1_000_000 + " ms: not visible yet, or deleted; "
                            + "redeliver the event to score it once it is there");
                }
                sleep(RetryingObjectStore.backoff(attempt, retry.initialBackoff(), retry.maxBackoff()), e);
            }
        }
    }

    private static void sleep(Duration pause, StorageException pending) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw pending.retriable("interrupted while waiting for the object to appear");
        }
    }

    private ObjectOutcome recordFailure(ObjectRef ref, JepaException e, ObjectStore store) {
        ObjectNode document = document(ref, Outcome.FAILED);
        document.set("error", json.valueToTree(Failure.of(e)));
        document.put("recordedAt", Instant.now().toString());
        String bucket = keys.bucketFor(ref);
        String key = keys.keyFor(ref);
        if (store.exists(bucket, key)) {
            ObjectOutcome existing = existing(ref, store);
            if (existing != null) {
                return existing;
            }
        }
        store.put(bucket, key, bytes(document), JSON_TYPE);
        LOG.infof("Could not score %s/%s (%s: %s) -> %s/%s", ref.bucket(), ref.key(), e.code(), e.getMessage(), bucket,
                key);
        return outcome(ref, Outcome.FAILED, bucket, key, document);
    }

    /** The stored document for this version as a {@code duplicate} outcome, or {@code null} if there is none. */
    private ObjectOutcome existing(ObjectRef ref, ObjectStore store) {
        String bucket = keys.bucketFor(ref);
        String key = keys.keyFor(ref);
        if (!store.exists(bucket, key)) {
            return null;
        }
        StoredObject stored;
        try {
            stored = store.get(bucket, key, MAX_DOCUMENT_BYTES);
        } catch (StorageException e) {
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                return null;
            }
            throw e;
        }
        JsonNode document;
        try {
            document = json.readTree(stored.bytes());
        } catch (IOException e) {
            throw new StorageException(ErrorCode.CORRUPT_RESULT_DOCUMENT,
                    "Result document " + bucket + "/" + key + " is not valid JSON; delete it to have the object rescored",
                    e);
        }
        String untrusted = seal.whyUntrusted(ref, document);
        if (untrusted != null) {
            LOG.warnf("Ignoring result document %s/%s found for %s: %s; scoring the object and rewriting it", bucket,
                    LogText.escape(key), ref, untrusted);
            return null;
        }
        JsonNode error = document.path("error");
        if (error.isObject() && !new Failure(error.path("code").asText(), null).permanent()) {
            LOG.debugf("%s has a failure document %s/%s for a condition that may have cleared (%s): checking again",
                    ref, bucket, key, error.path("code").asText());
            return null;
        }
        LOG.debugf("%s already has a result document %s/%s: nothing written", ref, bucket, key);
        return outcome(ref, Outcome.DUPLICATE, bucket, key, document);
    }

    private ObjectNode document(ObjectRef ref, Outcome outcome) {
        ObjectNode document = json.createObjectNode();
        document.set("object", json.valueToTree(ref));
        document.put("outcome", outcome.id());
        return document;
    }

    private ObjectOutcome outcome(ObjectRef ref, Outcome outcome, String bucket, String key, JsonNode document) {
        JsonNode score = document.path("jepaScore");
        JsonNode label = document.path("label");
        JsonNode outlierScore = document.path("outlierScore");
        JsonNode error = document.path("error");
        return new ObjectOutcome(ref, outcome, bucket, key, score.isNumber() ? score.asDouble() : null,
                outlierScore.isNumber() ? outlierScore.asDouble() : null, label.isTextual() ? label.asText() : null,
                error.isObject() ? new Failure(error.path("code").asText(), error.path("message").asText()) : null);
    }

    private byte[] bytes(JsonNode document) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(seal.sign((ObjectNode) document));
        } catch (IOException e) {
            throw new StorageException(ErrorCode.RESULT_NOT_SERIALISABLE,
                    "Cannot serialise the result document: " + e.getMessage(), e);
        }
    }
}
