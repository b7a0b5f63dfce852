package dev.jepascore.report;

import java.io.IOException;
import java.io.Writer;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;

/**
 * Writes a {@link ReportData} as one HTML page that needs nothing else: styles inline, histograms as inline SVG,
 * thumbnails as {@code data:} URIs, no script, no font or image fetched. Elements carry {@code data-*} attributes
 * with the numbers they show (counts, scores, ranks) so that a test can check the page as a browser built it.
 * The markup is the Qute template {@code templates/HtmlReport/page.html} (checked at build time, every value
 * HTML-escaped); this class turns the data into what the template shows: numbers formatted, histogram geometry laid
 * out.
 */
public final class HtmlReport {

    static final int SVG_WIDTH = 640;
    static final int SVG_HEIGHT = 210;
    private static final int LEFT = 48;
    private static final int RIGHT = 16;
    /** Room above the plot for one row per cut's label. */
    private static final int LABEL_ROW = 12;
    private static final int BOTTOM = 38;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final List<String> LABELS = List.of("typical", "unusual", "outlier");
    private static final String JEPA_AXIS = "JEPA-SCORE (sum of log singular values of the Jacobian)";

    /** The page loads nothing and runs nothing: inline styles and {@code data:} images only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(Page page);
    }

    private final ReportData data;
    private final Writer out;

    HtmlReport(ReportData data, Writer out) {
        this.data = data;
        this.out = out;
    }

    void write() throws IOException {
        out.write(Templates.page(page()).render());
        out.flush();
    }

    /** The whole page. */
    @TemplateData
    public record Page(String csp, String where, long documents, long failureCount, String failureWord,
            String documentsWhere, long unreadableCount, String earliest, String earliestText, String latest,
            String latestText, String generated, boolean noDocuments, boolean objectsUnderPrefix, int sectionCount,
            List<Section> sections, long otherModelDocuments, int maxModels, List<Count> failureCodes,
            List<FailureLine> failures, boolean moreFailures, List<ReportData.Unreadable> unreadable, int pageSize,
            int maxBins, int top, int maxFailures, int thumbnailPx) {
    }

    /** A name and how many. */
    @TemplateData
    public record Count(String name, long count, boolean known) {
    }

    /** One failure document's row. */
    @TemplateData
    public record FailureLine(String key, String code, String message, String recorded) {
    }

    /** One model (id and version) of the documents. */
    @TemplateData
    public record Section(String id, String modelId, String modelVersion, long documents, boolean served,
            String servedNow, List<Count> labels, Plot outlier, String jepaHeading, Plot jepa, String rankedBy,
            Thumbs mostTypical, Thumbs leastTypical, List<Count> reasons, List<Thumbs> flagged) {
    }

    /** A histogram laid out as SVG, or {@code empty} when no value is finite. */
    @TemplateData
    public record Plot(boolean empty, String signal, long total, int width, int height, String axis,
            List<Shade> shades, List<Bar> bars, List<CutLine> cuts, int left, int right, int top, int baseY,
            List<Tick> ticks, long max, int maxLabelX, int maxLabelY, int axisLabelX, int axisLabelY, String axisLabel,
            long outOfRange) {
    }

    /** A calibration band behind the bars. */
    @TemplateData
    public record Shade(String kind, String x, int y, String width, int height) {
    }

    /** One bin. */
    @TemplateData
    public record Bar(long count, double low, double high, String x, String y, String width, String height,
            String title) {
    }

    /** The line of a cut and its label. */
    @TemplateData
    public record CutLine(String kind, String x, int y1, int y2, String textX, int textY, boolean anchorEnd,
            String text) {
    }

    /** A tick of the x axis. */
    @TemplateData
    public record Tick(String x, int y1, int y2, int textY, String label) {
    }

    /** One ranking of thumbnails. */
    @TemplateData
    public record Thumbs(String heading, String id, String ranking, List<Thumb> thumbs) {
    }

    /** One thumbnail and its scores. */
    @TemplateData
    public record Thumb(int rank, String key, double atypicality, double jepaScore, Double outlierScore, String title,
            String dataUri, String placeholder, String label, String outlierText, String jepaText) {
    }

    private Page page() {
        List<Section> sections = new ArrayList<>();
        for (ModelSection s : data.sections()) {
            sections.add(section(s));
        }
        List<Count> codes = new ArrayList<>();
        data.failureCodes().forEach((code, n) -> codes.add(new Count(code, n, true)));
        List<FailureLine> failures = data.failures().stream().map(f -> new FailureLine(f.key(), f.code(), f.message(),
                f.recordedAt() == null ? "" : TIME.format(f.recordedAt()))).toList();
        return new Page(CONTENT_SECURITY_POLICY, data.bucket + "/" + data.prefix, data.documents, data.failureCount,
                data.failureCount == 1 ? "failure" : "failures", data.documentsBucket + "/" + data.documentsPrefix,
                data.unreadableCount, data.earliest == null ? null : data.earliest.toString(),
                data.earliest == null ? null : TIME.format(data.earliest),
                data.latest == null ? null : data.latest.toString(), data.latest == null ? null : TIME.format(data.latest),
                TIME.format(data.generatedAt), data.documents == 0 && data.unreadableCount == 0, data.objectsUnderPrefix,
                data.sections().size(), sections, data.otherModelDocuments, ReportData.MAX_MODELS, codes, failures,
                data.failureCount > data.failures().size(), data.unreadable(), ReportRenderer.PAGE_SIZE,
                Histogram.MAX_BINS, data.options.top(), data.options.maxFailures(), data.options.thumbnailPx());
    }

    private Section section(ModelSection s) {
        boolean served = data.isServed(s);
        String id = "model-" + slug(s.modelId() + "-" + s.modelVersion());
        List<Count> labels = new ArrayList<>();
        for (String label : LABELS) {
            labels.add(new Count(label, s.labels().getOrDefault(label, 0L), true));
        }
        for (Map.Entry<String, Long> e : s.labels().entrySet()) {
            if (!LABELS.contains(e.getKey())) {
                labels.add(new Count(e.getKey(), e.getValue(), false));
            }
        }
        ReportData.Bands bands = served ? data.served : null;
        boolean ranksByOutlier = s.rankedByJepa() < s.documents();
        Plot outlier = null;
        if (s.outlierHistogram().total() > 0) {
            List<Cut> cuts = new ArrayList<>();
            if (bands != null && bands.unusualScore() != null) {
                cuts.add(new Cut(bands.unusualScore(), Double.POSITIVE_INFINITY, "unusual",
                        "unusual > " + fmt(bands.unusualScore()) + " (" + pct(bands.unusualPercentile()) + ")"));
                cuts.add(new Cut(bands.outlierScore(), Double.POSITIVE_INFINITY, "outlier",
                        "outlier > " + fmt(bands.outlierScore()) + " (" + pct(bands.outlierPercentile()) + ")"));
            }
            outlier = plot(s.outlierHistogram(), "outlierScore", cuts,
                    "combined outlier score (higher = less like the training data)");
        }
        Plot jepa;
        String jepaHeading;
        if (bands != null) {
            ReportData.JepaBands j = bands.jepa();
            List<Cut> cuts = List.of(
                    new Cut(Double.NEGATIVE_INFINITY, j.unusualLow(), "unusual", "unusual < " + fmt(j.unusualLow())),
                    new Cut(j.unusualHigh(), Double.POSITIVE_INFINITY, "unusual", "unusual > " + fmt(j.unusualHigh())),
                    new Cut(Double.NEGATIVE_INFINITY, j.outlierLow(), "outlier", "outlier < " + fmt(j.outlierLow())),
                    new Cut(j.outlierHigh(), Double.POSITIVE_INFINITY, "outlier", "outlier > " + fmt(j.outlierHigh())));
            jepaHeading = "JEPA-SCORE with its two-sided calibration bands"
                    + (ranksByOutlier ? "" : ": what the labels are cut from");
            jepa = plot(s.jepaHistogram(), "jepaScore", cuts, JEPA_AXIS);
        } else {
            jepaHeading = "JEPA-SCORE";
            jepa = plot(s.jepaHistogram(), "jepaScore", List.of(), JEPA_AXIS);
        }
        List<Count> reasons = new ArrayList<>();
        s.reasons().forEach((reason, n) -> reasons.add(new Count(reason, n, true)));
        List<Thumbs> flagged = new ArrayList<>();
        for (Map.Entry<String, List<ModelSection.Ranked>> e : s.flaggedBy().entrySet()) {
            flagged.add(thumbs(e.getKey(), id + "-reason-" + slug(e.getKey()), "reason-" + e.getKey(), e.getValue()));
        }
        String servedNow = data.served == null ? "another model"
                : data.served.modelId() + " " + data.served.modelVersion();
        return new Section(id, s.modelId(), s.modelVersion(), s.documents(), served, servedNow, labels, outlier,
                jepaHeading, jepa, ranksByOutlier ? "combined outlier score"
                        : "distance of JEPA-SCORE's percentile from the median",
                thumbs("Most typical", id + "-most-typical", "most-typical", s.mostTypical()),
                thumbs("Least typical", id + "-least-typical", "least-typical", s.leastTypical()), reasons, flagged);
    }

    /** A shaded band {@code [from, to]} (open ends at infinity) with the label of its cut. */
    private record Cut(double from, double to, String kind, String text) {
        double edge() {
            return Double.isInfinite(from) ? to : from;
        }
    }

    private static Plot plot(Histogram h, String signal, List<Cut> cuts, String axis) {
        List<Histogram.Bin> bins = h.bins();
        if (bins.isEmpty()) {
            return new Plot(true, signal, 0, 0, 0, axis, List.of(), List.of(), List.of(), 0, 0, 0, 0, List.of(), 0, 0,
                    0, 0, 0, "", h.outOfRange());
        }
        double lo = bins.get(0).low();
        double hi = bins.get(bins.size() - 1).high();
        for (Cut c : cuts) {
            lo = Math.min(lo, c.edge());
            hi = Math.max(hi, c.edge());
        }
        double pad = (hi - lo) * 0.04;
        lo -= pad;
        hi += pad;
        long max = 1;
        for (Histogram.Bin b : bins) {
            max = Math.max(max, b.count());
        }
        int top = 10 + LABEL_ROW * Math.max(1, cuts.size());
        int height = SVG_HEIGHT + LABEL_ROW * Math.max(0, cuts.size() - 2);
        int plotW = SVG_WIDTH - LEFT - RIGHT;
        int plotH = height - top - BOTTOM;
        double x0 = lo;
        double span = hi - lo;
        java.util.function.DoubleUnaryOperator sx = v -> LEFT + (v - x0) / span * plotW;
        List<Shade> shades = new ArrayList<>();
        for (Cut c : cuts) {
            double a = sx.applyAsDouble(Math.max(lo, c.from()));
            double b = sx.applyAsDouble(Math.min(hi, c.to()));
            if (b > a) {
                shades.add(new Shade(c.kind(), f1(a), top, f1(b - a), plotH));
            }
        }
        List<Bar> bars = new ArrayList<>();
        for (Histogram.Bin b : bins) {
            if (b.count() == 0) {
                continue;
            }
            double x = sx.applyAsDouble(b.low());
            double bw = Math.max(1, sx.applyAsDouble(b.high()) - x - 1);
            double bh = Math.max(1, (double) b.count() / max * plotH);
            bars.add(new Bar(b.count(), b.low(), b.high(), f1(x), f1(top + plotH - bh), f1(bw), f1(bh),
                    fmt(b.low()) + " to " + fmt(b.high()) + ": " + b.count()));
        }
        List<CutLine> lines = new ArrayList<>();
        int labelRow = 0;
        for (Cut c : cuts) {
            double x = sx.applyAsDouble(c.edge());
            boolean leftSide = x > LEFT + plotW * 0.7;
            lines.add(new CutLine(c.kind(), f1(x), top, top + plotH, f1(leftSide ? x - 3 : x + 3),
                    8 + LABEL_ROW * ++labelRow, leftSide, c.text()));
        }
        int baseY = top + plotH;
        List<Tick> ticks = new ArrayList<>();
        double step = niceStep(span / 6);
        for (double t = Math.ceil(lo / step) * step; t <= hi; t += step) {
            ticks.add(new Tick(f1(sx.applyAsDouble(t)), baseY, baseY + 4, baseY + 15, fmt(t)));
        }
        return new Plot(false, signal, h.total(), SVG_WIDTH, height, axis, shades, bars, lines, LEFT, LEFT + plotW, top,
                baseY, ticks, max, LEFT - 4, top + 4, LEFT + plotW / 2, height - 6,
                axis + "; bins of " + fmt(h.binWidth()), h.outOfRange());
    }

    private Thumbs thumbs(String heading, String id, String ranking, List<ModelSection.Ranked> ranked) {
        List<Thumb> thumbs = new ArrayList<>();
        int rank = 1;
        for (ModelSection.Ranked r : ranked) {
            ReportData.Thumbnail t = data.thumbnails.get(r.version());
            thumbs.add(new Thumb(rank++, r.key(), r.atypicality(), r.jepaScore(), r.outlierScore(),
                    r.key() + (t == null ? "" : " (" + t.note() + ")"), t == null ? null : t.dataUri(),
                    t == null ? "no picture" : t.note(), r.label(),
                    r.outlierScore() == null ? null : fmt(r.outlierScore()), fmt(r.jepaScore())));
        }
        return new Thumbs(heading, id, ranking, thumbs);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
    }

    private static String pct(Double percentile) {
        return percentile == null ? "calibration" : fmt(percentile) + "th percentile of held-out images";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-"; // no JEPA-SCORE (mode signals)
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : Math.abs(v) >= 1 ? "%.2f" : "%.3g", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
