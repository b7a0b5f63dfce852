package dev.jepascore.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a scan of the result documents under a prefix found, in bounded memory: per-model {@link ModelSection}s (at
 * most {@link #MAX_MODELS}), failure counts per code with the first {@code maxFailures} listed, unreadable documents
 * counted with the first {@link #MAX_UNREADABLE_LISTED} listed, the time range, and the thumbnails of the ranked
 * images.
 */
public final class ReportData {

    /** Model sections kept apart; documents of further models are only counted. */
    static final int MAX_MODELS = 16;
    /** Unreadable documents listed one by one. */
    static final int MAX_UNREADABLE_LISTED = 20;

    /** @param documentKey where it is stored; @param why what is wrong with it */
    public record Unreadable(String documentKey, String why) {
    }

    /** A failure document, as listed. */
    public record FailureRow(String bucket, String key, String versionTag, String code, String message,
            Instant recordedAt) {
    }

    /**
     * The bands of the model this function serves, drawn on the histograms of its own documents only.
     *
     * @param jepa               JEPA-SCORE's two-sided bands: unusual below {@code unusualLow} or above
     *                           {@code unusualHigh}, outlier below {@code outlierLow} or above {@code outlierHigh}
     * @param unusualScore       combined outlier score above which an image is unusual; {@code null} without a
     *                           reference set
     * @param outlierScore       combined outlier score above which an image is an outlier
     * @param unusualPercentile  the held-out percentile {@code unusualScore} sits at
     * @param outlierPercentile  the held-out percentile {@code outlierScore} sits at
     */
    public record Bands(String modelId, String modelVersion, JepaBands jepa, Double unusualScore, Double outlierScore,
            Double unusualPercentile, Double outlierPercentile) {
    }

    /** JEPA-SCORE's calibration bands with the percentiles they sit at. */
    public record JepaBands(double unusualLow, double unusualHigh, double outlierLow, double outlierHigh,
            Double unusualLowPercentile, Double unusualHighPercentile, Double outlierLowPercentile,
            Double outlierHighPercentile) {
    }

    /**
     * A thumbnail or why there is none.
     *
     * @param dataUri {@code data:image/png;base64,...}, {@code null} when the picture is not available
     * @param note    what the picture is, or why it is missing
     */
    public record Thumbnail(String dataUri, String note) {
    }

    final String bucket;
    final String prefix;
    final String documentsBucket;
    final String documentsPrefix;
    final ReportOptions options;
    final Bands served;
    final Instant generatedAt = Instant.now();
    private final Map<String, ModelSection> sections = new LinkedHashMap<>();
    long otherModelDocuments;
    private final TreeMap<String, Long> failureCodes = new TreeMap<>();
    private final List<FailureRow> failures = new ArrayList<>();
    long failureCount;
    private final List<Unreadable> unreadable = new ArrayList<>();
    long unreadableCount;
    long documents;
    long otherFiles;
    Instant earliest;
    Instant latest;
    boolean objectsUnderPrefix;
    final Map<String, Thumbnail> thumbnails = new HashMap<>();

    ReportData(String bucket, String prefix, String documentsBucket, String documentsPrefix, ReportOptions options,
            Bands served) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.documentsBucket = documentsBucket;
        this.documentsPrefix = documentsPrefix;
        this.options = options;
        this.served = served;
    }

    void add(ResultDocument doc) {
        documents++;
        if (doc.recordedAt() != null) {
            earliest = earliest == null || doc.recordedAt().isBefore(earliest) ? doc.recordedAt() : earliest;
            latest = latest == null || doc.recordedAt().isAfter(latest) ? doc.recordedAt() : latest;
        }
        if (doc.failed()) {
            failureCount++;
            failureCodes.merge(doc.errorCode(), 1L, Long::sum);
            if (failures.size() < options.maxFailures()) {
                failures.add(new FailureRow(doc.bucket(), doc.key(), doc.versionTag(), doc.errorCode(),
                        doc.errorMessage(), doc.recordedAt()));
            }
            return;
        }
        String model = doc.modelId() + "\u0000" + doc.modelVersion();
        ModelSection section = sections.get(model);
        if (section == null) {
            if (sections.size() >= MAX_MODELS) {
                otherModelDocuments++;
                return;
            }
            section = new ModelSection(doc.modelId(), doc.modelVersion(), options.top());
            sections.put(model, section);
        }
        section.add(doc);
    }

    void unreadable(String documentKey, String why) {
        unreadableCount++;
        if (unreadable.size() < MAX_UNREADABLE_LISTED) {
            unreadable.add(new Unreadable(documentKey, why));
        }
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    /** Result and failure documents read (unreadable ones not included). */
    public long documents() {
        return documents;
    }

    public long failureCount() {
        return failureCount;
    }

    public long unreadableCount() {
        return unreadableCount;
    }

    /** The served model's section first, then the others by model id and version. */
    public List<ModelSection> sections() {
        List<ModelSection> out = new ArrayList<>(sections.values());
        out.sort((a, b) -> {
            boolean aServed = isServed(a);
            boolean bServed = isServed(b);
            if (aServed != bServed) {
                return aServed ? -1 : 1;
            }
            int byId = a.modelId().compareTo(b.modelId());
            return byId != 0 ? byId : b.modelVersion().compareTo(a.modelVersion());
        });
        return out;
    }

    boolean isServed(ModelSection section) {
        return served != null && served.modelId().equals(section.modelId())
                && served.modelVersion().equals(section.modelVersion());
    }

    public Map<String, Long> failureCodes() {
        return failureCodes;
    }

    public List<FailureRow> failures() {
        return failures;
    }

    public List<Unreadable> unreadable() {
        return unreadable;
    }

    /** Every image some ranking shows, once. */
    Collection<ModelSection.Ranked> shown() {
        Map<String, ModelSection.Ranked> shown = new LinkedHashMap<>();
        for (ModelSection section : sections.values()) {
            section.mostTypical().forEach(r -> shown.putIfAbsent(r.version(), r));
            section.leastTypical().forEach(r -> shown.putIfAbsent(r.version(), r));
            section.flaggedBy().values().forEach(list -> list.forEach(r -> shown.putIfAbsent(r.version(), r)));
        }
        return shown.values();
    }
}
