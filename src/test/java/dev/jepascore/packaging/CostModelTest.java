package dev.jepascore.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The default mode package-model writes, from the per-image times it measured (ModelPackager.Cost). */
class CostModelTest {

    @Test
    void exact_when_it_fits_the_budget_and_costs_at_most_three_sketches() {
        assertEquals("exact", new ModelPackager.Cost(0.2, 3, 289, true).defaultMode());
        assertEquals("exact", new ModelPackager.Cost(0.2, 30, 10, true).defaultMode());
    }

    @Test
    void sketch_when_exact_costs_more_than_three_sketches_or_is_missing() {
        assertEquals("sketch", new ModelPackager.Cost(0.2, 31, 10, true).defaultMode());
        assertEquals("sketch", new ModelPackager.Cost(0.2, Double.NaN, 289, false).defaultMode());
    }

    @Test
    void sketch_when_exact_is_over_the_budget_and_the_sketch_is_not() {
        assertEquals("sketch", new ModelPackager.Cost(1, 1200, 800, true).defaultMode());
    }

    @Test
    void signals_when_neither_jacobian_mode_fits_the_per_image_budget() {
        assertEquals("signals", new ModelPackager.Cost(40, 5000, 60000, true).defaultMode());
        assertEquals("signals", new ModelPackager.Cost(40, Double.NaN, ModelPackager.MS_PER_IMAGE_BUDGET + 1, false)
                .defaultMode());
    }
}
