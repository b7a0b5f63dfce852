package dev.jepascore.report;

import dev.jepascore.ErrorCode;

/**
 * What a report shows and how much of it.
 *
 * @param top          thumbnails per ranking: the {@code top} most and {@code top} least typical images of each model,
 *                     and up to {@code top} per flagging signal (1 to {@link #MAX_TOP})
 * @param maxFailures  failure documents listed one by one (all are counted by code)
 * @param thumbnailPx  longest side of a thumbnail in pixels (16 to 256)
 */
public record ReportOptions(int top, int maxFailures, int thumbnailPx) {

    /** Default thumbnails per ranking. */
    public static final int DEFAULT_TOP = 12;
    /** Thumbnails are embedded in the page: this bounds its size (about 2 KB per 96 px thumbnail). */
    public static final int MAX_TOP = 50;
    /** Failure documents listed one by one by default. */
    public static final int DEFAULT_MAX_FAILURES = 100;
    /** Default longest side of a thumbnail. */
    public static final int DEFAULT_THUMBNAIL_PX = 96;

    public ReportOptions {
        if (top < 1 || top > MAX_TOP) {
            throw new ReportException(ErrorCode.BAD_REPORT_OPTION,
                    "top must be between 1 and " + MAX_TOP + ", found " + top);
        }
        if (maxFailures < 0 || maxFailures > 10_000) {
            throw new ReportException(ErrorCode.BAD_REPORT_OPTION,
                    "maxFailures must be between 0 and 10000, found " + maxFailures);
        }
        if (thumbnailPx < 16 || thumbnailPx > 256) {
            throw new ReportException(ErrorCode.BAD_REPORT_OPTION,
                    "thumbnailPx must be between 16 and 256, found " + thumbnailPx);
        }
    }

    public static ReportOptions defaults() {
        return new ReportOptions(DEFAULT_TOP, DEFAULT_MAX_FAILURES, DEFAULT_THUMBNAIL_PX);
    }

    public ReportOptions withTop(int top) {
        return new ReportOptions(top, maxFailures, thumbnailPx);
    }
}
