package dev.jepascore.report;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link ReportData} as one HTML page that needs nothing else: styles inline, histograms as inline SVG,
 * thumbnails as {@code data:} URIs, no script, no font or image fetched. Elements carry {@code data-*} attributes
 * with the numbers they show (counts, scores, ranks) so that a test can check the page as a browser built it.
 */
final class HtmlReport {

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

    /** The page loads nothing and runs nothing: inline styles and {@code data:} images only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private static final String STYLE = """
            body{font-family:sans-serif;margin:24px;color:#1d2329;background:#fff;max-width:1100px}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccd}
            h3{font-size:15px;margin:18px 0 6px}code{background:#f1f3f5;padding:0 3px}
            .meta{color:#49525c;margin:2px 0}.tag{font-size:12px;padding:1px 6px;border-radius:8px;background:#e7ecf2}
            .tag.served{background:#d8f0dc}.tag.other{background:#f6e3c6}
            table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d5dae0;padding:3px 8px;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            ol.thumbs{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:8px}
            li.thumb{width:104px;border:1px solid #d5dae0;border-radius:4px;padding:3px;font-size:11px;text-align:center}
            li.thumb img{display:block;margin:0 auto;image-rendering:pixelated;background:#000;outline:1px solid #6b7480}
            li.thumb .key{display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:#49525c}
            .placeholder{height:84px;display:flex;align-items:center;justify-content:center;background:#eef0f2;color:#666}
            .typical{color:#23713a}.unusual{color:#a35f00}.outlier{color:#b3261e}
            svg.histogram{display:block;background:#fafbfc;border:1px solid #e1e5ea}
            svg .bar{fill:#3a6ea5}svg .axis{stroke:#555;stroke-width:1}svg text{font-size:11px;fill:#333}
            svg .band-unusual{fill:#f2b233;fill-opacity:.22}svg .band-outlier{fill:#d9412b;fill-opacity:.22}
            svg .cut{stroke-width:1.5;stroke-dasharray:4 3}svg .cut.unusual{stroke:#c07a00}svg .cut.outlier{stroke:#b3261e}
            .empty{padding:12px;background:#fff6e0;border:1px solid #f0d68a}
            footer{margin-top:30px;color:#5b636c;font-size:12px}
            """;

    private final ReportData data;
    private final Writer out;

    HtmlReport(ReportData data, Writer out) {
        this.data = data;
        this.out = out;
    }

    void write() throws IOException {
        String where = data.bucket + "/" + data.prefix;
        w("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w("<meta http-equiv=\"Content-Security-Policy\" content=\"" + CONTENT_SECURITY_POLICY + "\">");
        w("<meta name=\"viewport\" content=\"width=device-width\"><title>jepa-score report: " + esc(where) + "</title>");
        w("<style>" + STYLE + "</style></head>\n<body>\n");
        w("<header><h1>Scores of <code>" + esc(where) + "*</code></h1>");
        w("<p class=\"meta\" id=\"summary\" data-documents=\"" + data.documents + "\" data-failures=\""
                + data.failureCount + "\">" + data.documents + " result documents (" + data.failureCount
                + (data.failureCount == 1 ? " failure" : " failures") + ") under <code>" + esc(data.documentsBucket + "/" + data.documentsPrefix) + "</code>");
        if (data.unreadableCount > 0) {
            w(", " + data.unreadableCount + " unreadable");
        }
        w(".</p>");
        if (data.earliest != null) {
            w("<p class=\"meta\" id=\"time-range\">Recorded from <time datetime=\"" + data.earliest + "\">"
                    + TIME.format(data.earliest) + "</time> to <time datetime=\"" + data.latest + "\">"
                    + TIME.format(data.latest) + "</time>.</p>");
        }
        w("<p class=\"meta\">Generated " + TIME.format(data.generatedAt) + ".</p></header>\n");
        if (data.documents == 0 && data.unreadableCount == 0) {
            w("<p class=\"empty\" id=\"no-documents\">No result documents under <code>"
                    + esc(data.documentsBucket + "/" + data.documentsPrefix) + "</code>. "
                    + (data.objectsUnderPrefix
                            ? "There are objects under <code>" + esc(where) + "</code>: they have not been scored yet "
                                    + "(objects stored before the function was deployed are scored by the backfill "
                                    + "command)."
                            : "The bucket holds nothing under this prefix.")
                    + "</p>\n");
        }
        if (data.sections().size() > 1) {
            w("<p class=\"meta\" id=\"models-note\">Documents from " + data.sections().size()
                    + " models or model versions: each has its own section; scores of different models are not "
                    + "comparable and are never pooled.</p>\n");
        }
        for (ModelSection section : data.sections()) {
            section(section);
        }
        if (data.otherModelDocuments > 0) {
            w("<p class=\"meta\">" + data.otherModelDocuments + " documents of further models are not shown (at most "
                    + ReportData.MAX_MODELS + " model sections).</p>\n");
        }
        failures();
        unreadable();
        w("<footer>Read in bounded memory: one listing page (" + ReportRenderer.PAGE_SIZE
                + " keys) and one document at a time; histograms of at most " + Histogram.MAX_BINS
                + " bins; rankings keep " + data.options.top() + " images each; failures listed up to "
                + data.options.maxFailures() + " (all counted). Thumbnails are the images as the model saw them, "
                + "at most " + data.options.thumbnailPx() + " px.</footer>\n</body></html>\n");
        out.flush();
    }

    private void section(ModelSection s) throws IOException {
        boolean served = data.isServed(s);
        String id = "model-" + slug(s.modelId() + "-" + s.modelVersion());
        w("<section class=\"model\" id=\"" + id + "\" data-model=\"" + esc(s.modelId()) + "\" data-version=\""
                + esc(s.modelVersion()) + "\" data-documents=\"" + s.documents() + "\">\n");
        w("<h2>Model " + esc(s.modelId()) + " " + esc(s.modelVersion()) + " <span class=\"tag "
                + (served ? "served\">served by this function" : "other\">not the model served now") + "</span></h2>");
        w("<p class=\"meta\">" + s.documents() + " images scored.");
        if (!served) {
            w(" Its calibration bands are not known to this function (it serves "
                    + (data.served == null ? "another model" : esc(data.served.modelId() + " " + data.served.modelVersion()))
                    + "), so none are drawn; the labels are as recorded.");
        }
        w("</p>\n<table class=\"counts\" id=\"" + id + "-labels\"><tr><th>label</th><th>images</th></tr>");
        for (String label : LABELS) {
            w("<tr data-label=\"" + label + "\"><td class=\"" + label + "\">" + label + "</td><td class=\"n\">"
                    + s.labels().getOrDefault(label, 0L) + "</td></tr>");
        }
        for (Map.Entry<String, Long> e : s.labels().entrySet()) {
            if (!LABELS.contains(e.getKey())) {
                w("<tr data-label=\"" + esc(e.getKey()) + "\"><td>" + esc(e.getKey()) + "</td><td class=\"n\">"
                        + e.getValue() + "</td></tr>");
            }
        }
        w("</table>\n");
        ReportData.Bands bands = served ? data.served : null;
        boolean ranksByOutlier = s.rankedByJepa() < s.documents();
        if (s.outlierHistogram().total() > 0) {
            List<Cut> cuts = new ArrayList<>();
            if (bands != null && bands.unusualScore() != null) {
                cuts.add(new Cut(bands.unusualScore(), Double.POSITIVE_INFINITY, "unusual",
                        "unusual > " + fmt(bands.unusualScore()) + " (" + pct(bands.unusualPercentile()) + ")"));
                cuts.add(new Cut(bands.outlierScore(), Double.POSITIVE_INFINITY, "outlier",
                        "outlier > " + fmt(bands.outlierScore()) + " (" + pct(bands.outlierPercentile()) + ")"));
            }
            w("<h3>Combined outlier score: what the labels are cut from</h3>");
            histogram(s.outlierHistogram(), "outlierScore", cuts, "combined outlier score (higher = less like the "
                    + "training data)");
        }
        if (bands != null) {
            ReportData.JepaBands j = bands.jepa();
            List<Cut> cuts = List.of(
                    new Cut(Double.NEGATIVE_INFINITY, j.unusualLow(), "unusual", "unusual < " + fmt(j.unusualLow())),
                    new Cut(j.unusualHigh(), Double.POSITIVE_INFINITY, "unusual", "unusual > " + fmt(j.unusualHigh())),
                    new Cut(Double.NEGATIVE_INFINITY, j.outlierLow(), "outlier", "outlier < " + fmt(j.outlierLow())),
                    new Cut(j.outlierHigh(), Double.POSITIVE_INFINITY, "outlier", "outlier > " + fmt(j.outlierHigh())));
            w("<h3>JEPA-SCORE with its two-sided calibration bands" + (ranksByOutlier ? "" : ": what the labels are cut from")
                    + "</h3>");
            histogram(s.jepaHistogram(), "jepaScore", cuts, "JEPA-SCORE (sum of log singular values of the Jacobian)");
        } else {
            w("<h3>JEPA-SCORE</h3>");
            histogram(s.jepaHistogram(), "jepaScore", List.of(), "JEPA-SCORE (sum of log singular values of the Jacobian)");
        }
        String by = ranksByOutlier ? "combined outlier score" : "distance of JEPA-SCORE's percentile from the median";
        w("<h3>Most typical</h3><p class=\"meta\">Lowest " + by + " first.</p>");
        thumbs(id + "-most-typical", "most-typical", s.mostTypical());
        w("<h3>Least typical</h3><p class=\"meta\">Highest " + by + " first.</p>");
        thumbs(id + "-least-typical", "least-typical", s.leastTypical());
        w("<h3>Flagged, by the signal that flagged them</h3>");
        if (s.reasons().isEmpty()) {
            w("<p class=\"meta\">No image was flagged unusual or outlier.</p>");
        } else {
            w("<p class=\"meta\">An image flagged by several signals is counted under each.</p>");
            w("<table class=\"counts\" id=\"" + id + "-reasons\"><tr><th>signal</th><th>flagged images</th></tr>");
            for (Map.Entry<String, Long> e : s.reasons().entrySet()) {
                w("<tr data-reason=\"" + esc(e.getKey()) + "\"><td>" + esc(e.getKey()) + "</td><td class=\"n\">"
                        + e.getValue() + "</td></tr>");
            }
            w("</table>");
            for (Map.Entry<String, List<ModelSection.Ranked>> e : s.flaggedBy().entrySet()) {
                w("<h3>Flagged by " + esc(e.getKey()) + "</h3>");
                thumbs(id + "-reason-" + slug(e.getKey()), "reason-" + e.getKey(), e.getValue());
            }
        }
        w("</section>\n");
    }

    /** A shaded band {@code [from, to]} (open ends at infinity) with the label of its cut. */
    private record Cut(double from, double to, String kind, String text) {
        double edge() {
            return Double.isInfinite(from) ? to : from;
        }
    }

    private void histogram(Histogram h, String signal, List<Cut> cuts, String axis) throws IOException {
        List<Histogram.Bin> bins = h.bins();
        if (bins.isEmpty()) {
            w("<p class=\"meta\">No finite value to plot.</p>");
            return;
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
        w("<svg class=\"histogram\" data-signal=\"" + signal + "\" data-total=\"" + h.total() + "\" width=\""
                + SVG_WIDTH + "\" height=\"" + height + "\" viewBox=\"0 0 " + SVG_WIDTH + " " + height
                + "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"histogram of " + esc(axis) + "\">");
        for (Cut c : cuts) {
            double a = sx.applyAsDouble(Math.max(lo, c.from()));
            double b = sx.applyAsDouble(Math.min(hi, c.to()));
            if (b > a) {
                w("<rect class=\"band-" + c.kind() + "\" x=\"" + f1(a) + "\" y=\"" + top + "\" width=\"" + f1(b - a)
                        + "\" height=\"" + plotH + "\"/>");
            }
        }
        for (Histogram.Bin b : bins) {
            if (b.count() == 0) {
                continue;
            }
            double x = sx.applyAsDouble(b.low());
            double bw = Math.max(1, sx.applyAsDouble(b.high()) - x - 1);
            double bh = Math.max(1, (double) b.count() / max * plotH);
            w("<rect class=\"bar\" data-count=\"" + b.count() + "\" data-low=\"" + b.low() + "\" data-high=\""
                    + b.high() + "\" x=\"" + f1(x) + "\" y=\"" + f1(top + plotH - bh) + "\" width=\"" + f1(bw)
                    + "\" height=\"" + f1(bh) + "\"><title>" + fmt(b.low()) + " to " + fmt(b.high()) + ": "
                    + b.count() + "</title></rect>");
        }
        int labelRow = 0;
        for (Cut c : cuts) {
            double x = sx.applyAsDouble(c.edge());
            w("<line class=\"cut " + c.kind() + "\" x1=\"" + f1(x) + "\" x2=\"" + f1(x) + "\" y1=\"" + top + "\" y2=\""
                    + (top + plotH) + "\"/>");
            boolean leftSide = x > LEFT + plotW * 0.7;
            w("<text x=\"" + f1(leftSide ? x - 3 : x + 3) + "\" y=\"" + (8 + LABEL_ROW * ++labelRow) + "\""
                    + (leftSide ? " text-anchor=\"end\"" : "") + ">" + esc(c.text()) + "</text>");
        }
        int baseY = top + plotH;
        w("<line class=\"axis\" x1=\"" + LEFT + "\" x2=\"" + (LEFT + plotW) + "\" y1=\"" + baseY + "\" y2=\"" + baseY
                + "\"/><line class=\"axis\" x1=\"" + LEFT + "\" x2=\"" + LEFT + "\" y1=\"" + top + "\" y2=\"" + baseY
                + "\"/>");
        double step = niceStep(span / 6);
        for (double t = Math.ceil(lo / step) * step; t <= hi; t += step) {
            double x = sx.applyAsDouble(t);
            w("<line class=\"axis\" x1=\"" + f1(x) + "\" x2=\"" + f1(x) + "\" y1=\"" + baseY + "\" y2=\"" + (baseY + 4)
                    + "\"/><text x=\"" + f1(x) + "\" y=\"" + (baseY + 15) + "\" text-anchor=\"middle\">" + fmt(t)
                    + "</text>");
        }
        w("<text x=\"" + (LEFT - 4) + "\" y=\"" + (top + 4) + "\" text-anchor=\"end\">" + max + "</text>");
        w("<text x=\"" + (LEFT - 4) + "\" y=\"" + baseY + "\" text-anchor=\"end\">0</text>");
        w("<text x=\"" + (LEFT + plotW / 2) + "\" y=\"" + (height - 6) + "\" text-anchor=\"middle\">" + esc(axis)
                + "; bins of " + fmt(h.binWidth()) + "</text></svg>\n");
        if (h.outOfRange() > 0) {
            w("<p class=\"meta\">" + h.outOfRange() + " non-finite values not plotted.</p>");
        }
    }

    private void thumbs(String id, String ranking, List<ModelSection.Ranked> ranked) throws IOException {
        w("<ol class=\"thumbs\" id=\"" + esc(id) + "\" data-ranking=\"" + esc(ranking) + "\">");
        int rank = 1;
        for (ModelSection.Ranked r : ranked) {
            ReportData.Thumbnail t = data.thumbnails.get(r.version());
            w("<li class=\"thumb\" data-rank=\"" + rank++ + "\" data-key=\"" + esc(r.key()) + "\" data-atypicality=\""
                    + r.atypicality() + "\" data-jepa-score=\"" + r.jepaScore() + "\"" + (r.outlierScore() == null ? ""
                            : " data-outlier-score=\"" + r.outlierScore() + "\"") + " title=\"" + esc(r.key()
                                    + (t == null ? "" : " (" + t.note() + ")")) + "\">");
            if (t != null && t.dataUri() != null) {
                w("<img src=\"" + t.dataUri() + "\" alt=\"" + esc(r.key()) + "\">");
            } else {
                w("<div class=\"placeholder\">" + esc(t == null ? "no picture" : t.note()) + "</div>");
            }
            w("<span class=\"" + esc(r.label()) + "\">" + esc(r.label()) + "</span><br>");
            w(r.outlierScore() == null ? "JEPA " + fmt(r.jepaScore())
                    : "outlier " + fmt(r.outlierScore()) + "<br>JEPA " + fmt(r.jepaScore()));
            w("<span class=\"key\">" + esc(r.key()) + "</span></li>");
        }
        w("</ol>\n");
    }

    private void failures() throws IOException {
        w("<section id=\"failures\" data-failures=\"" + data.failureCount + "\"><h2>Failures</h2>");
        if (data.failureCount == 0) {
            w("<p class=\"meta\">No object failed to score.</p></section>\n");
            return;
        }
        w("<table class=\"counts\" id=\"failure-codes\"><tr><th>code</th><th>objects</th></tr>");
        for (Map.Entry<String, Long> e : data.failureCodes().entrySet()) {
            w("<tr data-code=\"" + esc(e.getKey()) + "\"><td><code>" + esc(e.getKey()) + "</code></td><td class=\"n\">"
                    + e.getValue() + "</td></tr>");
        }
        w("</table><table id=\"failure-list\"><tr><th>object</th><th>code</th><th>message</th><th>recorded</th></tr>");
        for (ReportData.FailureRow f : data.failures()) {
            w("<tr data-key=\"" + esc(f.key()) + "\"><td>" + esc(f.key()) + "</td><td><code>" + esc(f.code())
                    + "</code></td><td>" + esc(f.message()) + "</td><td>" + (f.recordedAt() == null ? ""
                            : TIME.format(f.recordedAt())) + "</td></tr>");
        }
        w("</table>");
        if (data.failureCount > data.failures().size()) {
            w("<p class=\"meta\">First " + data.failures().size() + " of " + data.failureCount + " listed.</p>");
        }
        w("</section>\n");
    }

    private void unreadable() throws IOException {
        if (data.unreadableCount == 0) {
            return;
        }
        w("<section id=\"unreadable\" data-unreadable=\"" + data.unreadableCount + "\"><h2>Unreadable documents</h2>"
                + "<p class=\"meta\">Files under the results prefix that are not result documents; delete them to have "
                + "their objects scored again.</p><table><tr><th>document</th><th>why</th></tr>");
        for (ReportData.Unreadable u : data.unreadable()) {
            w("<tr><td>" + esc(u.documentKey()) + "</td><td>" + esc(u.why()) + "</td></tr>");
        }
        w("</table></section>\n");
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

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private void w(String s) throws IOException {
        out.write(s);
    }
}
