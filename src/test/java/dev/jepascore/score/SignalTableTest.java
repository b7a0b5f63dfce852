package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SignalTableTest {

    private static final double[] PERCENTILES = { 0, 50, 90, 100 };
    private static final double[] VALUES = { 0, 10, 18, 20 };

    @Test
    void one_sided_tail_is_the_fraction_above() {
        SignalTable t = new SignalTable(PERCENTILES, VALUES, 1, 0.001);
        assertEquals(25.0, t.percentile(5), 1e-12);
        assertEquals(0.75, t.tail(5), 1e-12);
        assertEquals(0.05, t.tail(19), 1e-12);
        assertEquals(1.0, t.tail(-3), 1e-12);
    }

    @Test
    void two_sided_tail_doubles_the_nearer_tail() {
        SignalTable t = new SignalTable(PERCENTILES, VALUES, 2, 0.001);
        assertEquals(0.5, t.tail(5), 1e-12);
        assertEquals(1.0, t.tail(10), 1e-12);
        assertEquals(0.1, t.tail(19), 1e-12);
    }

    @Test
    void beyond_the_table_the_tail_is_the_floor_not_zero() {
        SignalTable t = new SignalTable(PERCENTILES, VALUES, 2, 0.00025);
        assertEquals(0.00025, t.tail(1e9), 0);
        assertEquals(0.00025, t.tail(-1e9), 0);
    }

    @Test
    void decreasing_values_are_rejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new SignalTable(PERCENTILES, new double[] { 0, 10, 9, 20 }, 1, 0.001));
    }
}
