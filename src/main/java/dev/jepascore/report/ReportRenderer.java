package dev.jepascore.report;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.JepaException;
import dev.jepascore.event.EventFormat;
import dev.jepascore.event.LogText;
import dev.jepascore.event.ObjectKeys;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.model.ModelManifest;
import dev.jepascore.model.ModelRuntime;
import dev.jepascore.model.ServedModels;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.result.ResultKeys;
import dev.jepascore.result.ResultSeal;
import dev.jepascore.storage.BucketAllowList;
import dev.jepascore.storage.ObjectPage;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StorageConfig;
import dev.jepascore.storage.StorageException;
import dev.jepascore.storage.StoredObject;

/**
 * The report over the result documents of the objects under a bucket and prefix: {@link #scan} streams the
 * documents page by page into a {@link ReportData} (bounded memory, see that class), {@link #render} writes it as
 * one self-contained HTML page ({@link HtmlReport}). Used by {@code GET /v1/report} and the {@code report} command.
 */
@ApplicationScoped
public class ReportRenderer {

    private static final Logger LOG = Logger.getLogger(ReportRenderer.class);
    /** What the page may load and run: nothing but its inline styles and {@code data:} images. */
    public static final String CONTENT_SECURITY_POLICY = HtmlReport.CONTENT_SECURITY_POLICY;
    /** Documents listed per storage call (S3 returns at most 1000). */
    static final int PAGE_SIZE = 500;
    /** Result documents are small; anything bigger under a result key is not one of ours. */
    static final long MAX_DOCUMENT_BYTES = 1 << 20;

    private final ObjectStore store;
    private final ObjectMapper json;
    private final ResultKeys keys;
    private final long maxObjectBytes;
    private final ServedModels models;
    /** bucket -> the model that scores its objects ({@code jepa.storage.bucket-models}); others: the default. */
    private final Map<String, String> bucketModels;
    private final ImageDecoder decoder;
    private final BucketAllowList buckets;
    private final ResultSeal seal;

    public ReportRenderer(ObjectStore store, ObjectMapper json, StorageConfig config, ServedModels models,
            ImageDecoder decoder, BucketAllowList buckets) {
        this.buckets = buckets;
        this.seal = new ResultSeal(json, config.resultsSigningKey());
        this.store = store;
        this.json = json;
        this.keys = ResultKeys.from(config);
        this.maxObjectBytes = config.maxObjectBytes();
        this.models = models;
        this.bucketModels = Map.copyOf(config.bucketModels());
        this.decoder = decoder;
    }

    /** The model that scores {@code bucket}'s objects: its bands are drawn and its input size makes the thumbnails. */
    private ModelRuntime modelFor(String bucket) {
        String id = bucketModels.get(bucket);
        return id == null ? models.defaultModel() : models.get(id);
    }

    /** The store the function writes its documents to. */
    public ObjectStore store() {
        return store;
    }

    /** Scans and renders in one go: the documents of objects under {@code bucket}/{@code prefix}. */
    public void render(ObjectStore store, String bucket, String prefix, ReportOptions options, Writer out)
            throws IOException {
        render(scan(store, bucket, prefix, options), out);
    }

    public void render(ReportData data, Writer out) throws IOException {
        new HtmlReport(data, out).write();
    }

    /**
     * Reads every result document of the objects under {@code bucket}/{@code prefix}, one listing page at a time,
     * keeping only what {@link ReportData} bounds, then reads the ranked images again for their thumbnails.
     *
     * @throws ReportException  {@code bad_report_request} for an unsafe bucket or prefix, {@code prefix_not_found}
     *                          when neither an object nor a document is under a non-empty prefix
     * @throws StorageException {@code bucket_not_found}, {@code access_denied} (the function's credentials may not
     *                          list), {@code storage_unavailable}
     */
    public ReportData scan(ObjectStore store, String bucket, String prefix, ReportOptions options) {
        String why = ObjectKeys.whyUnsafeBucket(bucket);
        if (why != null) {
            throw new ReportException(ErrorCode.BAD_REPORT_REQUEST,
                    "bucket '" + bucket + "' is refused: " + why);
        }
        if (!prefix.isEmpty() && ObjectKeys.whyUnsafe(prefix) != null) {
            throw new ReportException(ErrorCode.BAD_REPORT_REQUEST,
                    "prefix '" + prefix + "' is refused: " + ObjectKeys.whyUnsafe(prefix));
        }
        buckets.require(bucket, "the report");
        String documentsBucket = keys.documentsBucket(bucket);
        String documentsPrefix = keys.documentsPrefix(bucket, prefix);
        ReportData data = new ReportData(bucket, prefix, documentsBucket, documentsPrefix, options, servedBands(modelFor(bucket)));
        // one small listing of the bucket itself: it must exist and be listable, and says whether the prefix holds
        // anything at all (objects not scored yet, or only documents)
        data.objectsUnderPrefix = !listed(store, bucket, prefix, null, 1).objects().isEmpty();
        long started = System.nanoTime();
        String token = null;
        do {
            ObjectPage page = listed(store, documentsBucket, documentsPrefix, token, PAGE_SIZE);
            for (ObjectPage.Listed item : page.objects()) {
                read(store, documentsBucket, item, data);
            }
            token = page.next();
        } while (token != null);
        if (data.documents == 0 && data.unreadableCount == 0 && !data.objectsUnderPrefix && !prefix.isEmpty()) {
            throw new ReportException(ErrorCode.PREFIX_NOT_FOUND, "Nothing is stored under prefix '"
                    + prefix + "' in bucket '" + bucket + "': no object and no result document (under '"
                    + documentsBucket + "/" + documentsPrefix + "'); check the prefix");
        }
        Thumbnails thumbnails = new Thumbnails(decoder, modelFor(bucket).inputSpec(), maxObjectBytes, options.thumbnailPx());
        for (ModelSection.Ranked ranked : data.shown()) {
            data.thumbnails.put(ranked.version(), thumbnails.of(store, ranked));
        }
        LOG.infof("Report over %s/%s: %d documents (%d failures, %d unreadable) read in %d ms", bucket, prefix,
                data.documents, data.failureCount, data.unreadableCount, (System.nanoTime() - started) / 1_000_000);
        return data;
    }

    private static ObjectPage listed(ObjectStore store, String bucket, String prefix, String token, int pageSize) {
        try {
            return store.list(bucket, prefix, token, pageSize);
        } catch (StorageException e) {
            if (e.kind() == JepaException.Kind.FORBIDDEN) {
                throw new StorageException(e.code(), "The function's storage credentials may not list '"
                        + prefix + "*' in bucket '" + bucket + "' (" + e.getMessage()
                        + "); the report needs list and read permission on the bucket", e);
            }
            throw e;
        }
    }

    private void read(ObjectStore store, String bucket, ObjectPage.Listed item, ReportData data) {
        if (!item.key().endsWith(".json")) {
            data.otherFiles++;
            return;
        }
        if (item.size() > MAX_DOCUMENT_BYTES) {
            data.unreadable(item.key(), item.size() + " bytes, more than a result document holds");
            return;
        }
        StoredObject stored;
        try {
            stored = store.get(bucket, item.key(), MAX_DOCUMENT_BYTES);
        } catch (StorageException e) {
            if (e.code() == ErrorCode.OBJECT_NOT_FOUND) {
                return; // deleted since it was listed
            }
            if (e.kind().retriable()) {
                throw e;
            }
            data.unreadable(item.key(), e.getMessage());
            return;
        }
        try {
            JsonNode document = json.readTree(stored.bytes());
            ResultDocument parsed = ResultDocument.parse(item.key(), document);
            String untrusted = whyUntrusted(data.bucket, bucket, item.key(), parsed, document);
            if (untrusted != null) {
                LOG.warnf("Report over %s: ignoring result document %s/%s: %s", data.bucket, bucket,
                        LogText.escape(item.key()), untrusted);
                data.unreadable(item.key(), "not trusted: " + untrusted);
                return;
            }
            data.add(parsed);
        } catch (JsonProcessingException e) {
            data.unreadable(item.key(), "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            data.unreadable(item.key(), "not readable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            data.unreadable(item.key(), "not a result document: " + e.getMessage());
        }
    }

    /**
     * Why a document listed at {@code documentsBucket}/{@code documentKey} is not believed, else {@code null}: it must
     * describe an object of the report's bucket whose own document key is where it was found (so its thumbnail is
     * read from that object only), and verify when documents are signed.
     */
    private String whyUntrusted(String reportBucket, String documentsBucket, String documentKey, ResultDocument doc,
            JsonNode document) {
        if (!reportBucket.equals(doc.bucket()) || doc.key() == null) {
            return "it describes an object of bucket '" + doc.bucket() + "', found among those of '" + reportBucket + "'";
        }
        ObjectRef named = new ObjectRef(doc.bucket(), doc.key(), doc.versionTag(), null, null, null, EventFormat.BACKFILL);
        if (!keys.bucketFor(named).equals(documentsBucket) || !keys.keyFor(named).equals(documentKey)) {
            return "it names " + named + ", whose document would be " + keys.keyFor(named);
        }
        return seal.whyUntrusted(named, document);
    }

    private static ReportData.Bands servedBands(ModelRuntime model) {
        ModelManifest m = model.manifest();
        ModelManifest.Band unusual = m.calibration().thresholds().unusual();
        ModelManifest.Band outlier = m.calibration().thresholds().outlier();
        ReportData.JepaBands jepa = new ReportData.JepaBands(unusual.low(), unusual.high(), outlier.low(),
                outlier.high(), unusual.lowPercentile(), unusual.highPercentile(), outlier.lowPercentile(),
                outlier.highPercentile());
        ModelManifest.Combination combination = m.signals() == null ? null : m.signals().combination();
        if (combination == null) {
            return new ReportData.Bands(m.id(), m.version(), jepa, null, null, null, null);
        }
        return new ReportData.Bands(m.id(), m.version(), jepa, combination.unusual().score(),
                combination.outlier().score(), combination.unusual().percentile(), combination.outlier().percentile());
    }
}
