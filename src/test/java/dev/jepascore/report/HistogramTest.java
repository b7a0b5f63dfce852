package dev.jepascore.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void every_value_is_counted_in_the_bin_that_holds_it_within_the_bin_bound() {
        Histogram h = new Histogram();
        Random random = new Random(7);
        double[] values = new double[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = -280 + 90 * random.nextDouble();
            h.add(values[i]);
        }
        List<Histogram.Bin> bins = h.bins();
        assertTrue(bins.size() <= Histogram.MAX_BINS && bins.size() > Histogram.MAX_BINS / 2, "bins: " + bins.size());
        assertEquals(values.length, h.total());
        for (Histogram.Bin bin : bins) {
            long inside = java.util.Arrays.stream(values).filter(v -> v >= bin.low() && v < bin.high()).count();
            assertEquals(inside, bin.count(), "bin " + bin);
        }
    }

    @Test
    void one_far_value_widens_the_bins_without_losing_counts() {
        Histogram h = new Histogram();
        for (int i = 0; i < 100; i++) {
            h.add(0.01 * i);
        }
        h.add(1e6);
        assertEquals(101, h.bins().stream().mapToLong(Histogram.Bin::count).sum());
        assertTrue(h.bins().size() <= Histogram.MAX_BINS);
        assertEquals(100, h.bins().get(0).count(), "the near values share the first bin");
    }

    @Test
    void non_finite_values_are_counted_apart_and_an_empty_histogram_has_no_bins() {
        Histogram h = new Histogram();
        assertEquals(List.of(), h.bins());
        h.add(Double.NaN);
        h.add(Double.POSITIVE_INFINITY);
        h.add(2.5);
        assertEquals(2, h.outOfRange());
        assertEquals(1, h.total());
        assertEquals(1, h.bins().size());
    }

    @Test
    void bounded_top_keeps_the_greatest_in_order() {
        BoundedTop<Integer> top = new BoundedTop<>(3, Comparator.<Integer>naturalOrder());
        for (int v : new int[] { 5, 1, 9, 3, 7, 9, 2 }) {
            top.offer(v);
        }
        assertEquals(List.of(9, 9, 7), top.descending());
        BoundedTop<Integer> bottom = new BoundedTop<>(2, Comparator.<Integer>naturalOrder().reversed());
        for (int v : new int[] { 5, 1, 9, 3 }) {
            bottom.offer(v);
        }
        assertEquals(List.of(1, 3), bottom.descending());
    }
}
