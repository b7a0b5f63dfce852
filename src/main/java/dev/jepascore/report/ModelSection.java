package dev.jepascore.report;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the report shows about the documents of one model id and version, gathered one document at a time
 * in bounded memory: counts, two {@link Histogram}s, and {@link BoundedTop} rankings of at most {@code top} images
 * each. Documents of different models never share a section, so nothing is ever averaged across models.
 */
public final class ModelSection {

    /** Distinct reason names kept apart; the few signals a model has, with room for future ones. */
    static final int MAX_REASONS = 16;

    /**
     * One ranked image.
     *
     * @param atypicality what the ranking sorts by: the combined outlier score when the model has a reference set
     *                    (what the labels cut), else how far JEPA-SCORE's percentile is from the median
     *                    ({@code |percentile - 50|}, as its two-sided bands)
     */
    public record Ranked(String documentKey, String bucket, String key, String versionTag, double jepaScore,
            Double outlierScore, String label, List<String> reasons, double atypicality) {

        /** The identity of the scored version, also the key of its thumbnail. */
        public String version() {
            return bucket + "/" + key + "@" + versionTag;
        }
    }

    static final Comparator<Ranked> BY_ATYPICALITY = Comparator.comparingDouble(Ranked::atypicality)
            .thenComparing(Ranked::documentKey);

    private final String modelId;
    private final String modelVersion;
    private final int top;
    private long documents;
    private long rankedByJepa;
    private final TreeMap<String, Long> labels = new TreeMap<>();
    private final TreeMap<String, Long> reasons = new TreeMap<>();
    private long otherReasons;
    private final Histogram jepa = new Histogram();
    private final Histogram outlier = new Histogram();
    private final BoundedTop<Ranked> mostTypical;
    private final BoundedTop<Ranked> leastTypical;
    private final TreeMap<String, BoundedTop<Ranked>> flaggedBy = new TreeMap<>();

    ModelSection(String modelId, String modelVersion, int top) {
        this.modelId = modelId;
        this.modelVersion = modelVersion;
        this.top = top;
        this.mostTypical = new BoundedTop<>(top, BY_ATYPICALITY.reversed());
        this.leastTypical = new BoundedTop<>(top, BY_ATYPICALITY);
    }

    void add(ResultDocument doc) {
        documents++;
        labels.merge(doc.label(), 1L, Long::sum);
        double atypicality;
        if (!Double.isNaN(doc.jepaScore())) {
            jepa.add(doc.jepaScore());
        }
        if (doc.outlierScore() != null) {
            outlier.add(doc.outlierScore());
            atypicality = doc.outlierScore();
        } else if (Double.isNaN(doc.percentile()) && doc.outlierPercentile() != null) {
            atypicality = doc.outlierPercentile(); // mode signals: how atypical its verdict found it
        } else {
            rankedByJepa++;
            atypicality = Math.abs(doc.percentile() - 50);
        }
        if (!Double.isFinite(atypicality)) {
            atypicality = Double.MAX_VALUE;
        }
        Ranked ranked = new Ranked(doc.documentKey(), doc.bucket(), doc.key(), doc.versionTag(), doc.jepaScore(),
                doc.outlierScore(), doc.label(), doc.reasons(), atypicality);
        mostTypical.offer(ranked);
        leastTypical.offer(ranked);
        if (!"typical".equals(doc.label())) {
            for (String reason : doc.reasons()) {
                if (reasons.containsKey(reason) || reasons.size() < MAX_REASONS) {
                    reasons.merge(reason, 1L, Long::sum);
                    flaggedBy.computeIfAbsent(reason, r -> new BoundedTop<>(top, BY_ATYPICALITY)).offer(ranked);
                } else {
                    otherReasons++;
                }
            }
        }
    }

    public String modelId() {
        return modelId;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public long documents() {
        return documents;
    }

    /** Documents without an outlier score (ranked by JEPA-SCORE's distance from its median instead). */
    public long rankedByJepa() {
        return rankedByJepa;
    }

    public Map<String, Long> labels() {
        return labels;
    }

    /** Flagged (unusual or outlier) documents per signal named in their reasons; one document may name several. */
    public Map<String, Long> reasons() {
        return reasons;
    }

    public long otherReasons() {
        return otherReasons;
    }

    Histogram jepaHistogram() {
        return jepa;
    }

    Histogram outlierHistogram() {
        return outlier;
    }

    /** Most typical first. */
    public List<Ranked> mostTypical() {
        return mostTypical.descending();
    }

    /** Least typical first. */
    public List<Ranked> leastTypical() {
        return leastTypical.descending();
    }

    /** Per signal, the flagged images it names, least typical first. */
    public Map<String, List<Ranked>> flaggedBy() {
        Map<String, List<Ranked>> out = new TreeMap<>();
        flaggedBy.forEach((reason, heap) -> out.put(reason, heap.descending()));
        return out;
    }
}
