package dev.jepascore.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A histogram filled one value at a time in bounded memory, whatever the number or range of the values: bins are
 * {@code [k w, (k + 1) w)} with {@code w} a power of two, and when the values seen span more than {@link #MAX_BINS}
 * bins the width doubles and neighbouring bins merge (each new bin is exactly two old ones, so no count is split or
 * estimated). Non-finite values, and magnitudes past {@link #MAX_MAGNITUDE}, are counted apart.
 */
final class Histogram {

    /** Upper bound on the bins between the lowest and the highest value: 40 bars are readable at 640 px. */
    static final int MAX_BINS = 40;
    /** Width of the first bins, 2^-10 (about 0.001): finer than any score the report shows. */
    private static final int FIRST_EXPONENT = -10;
    /** Beyond this a value is not a score (and bin indices would overflow). */
    static final double MAX_MAGNITUDE = 1e12;

    /** One bar: {@code [low, high)} and how many values fell there. */
    record Bin(double low, double high, long count) {
    }

    private final TreeMap<Long, Long> counts = new TreeMap<>();
    private int exponent = FIRST_EXPONENT;
    private long total;
    private long outOfRange;

    void add(double value) {
        if (!Double.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
            outOfRange++;
            return;
        }
        total++;
        counts.merge((long) Math.floor(Math.scalb(value, -exponent)), 1L, Long::sum);
        while (counts.lastKey() - counts.firstKey() + 1 > MAX_BINS) {
            coarsen();
        }
    }

    private void coarsen() {
        TreeMap<Long, Long> merged = new TreeMap<>();
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            merged.merge(Math.floorDiv(e.getKey(), 2L), e.getValue(), Long::sum);
        }
        counts.clear();
        counts.putAll(merged);
        exponent++;
    }

    long total() {
        return total;
    }

    long outOfRange() {
        return outOfRange;
    }

    double binWidth() {
        return Math.scalb(1.0, exponent);
    }

    /** Every bin from the lowest value's to the highest value's, empty ones included; empty when no value. */
    List<Bin> bins() {
        List<Bin> bins = new ArrayList<>();
        if (counts.isEmpty()) {
            return bins;
        }
        double width = binWidth();
        for (long k = counts.firstKey(); k <= counts.lastKey(); k++) {
            bins.add(new Bin(k * width, (k + 1) * width, counts.getOrDefault(k, 0L)));
        }
        return bins;
    }
}
