package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class InputTransformsTest {

    // two images of 1 x 2 x 3: rows (1 2 3)(4 5 6) and (7 8 9)(10 11 12)
    private static final float[] BATCH = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

    @Test
    void h_flip_mirrors_every_row_of_every_image() {
        assertArrayEquals(new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10 },
                InputTransforms.apply("h-flip", BATCH, 2, 1, 2, 3));
    }

    @Test
    void shifts_wrap_around_like_numpy_roll() {
        // np.roll(u, 1, axis=-1): the last column enters on the left
        assertArrayEquals(new float[] { 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11 },
                InputTransforms.apply("shift-right-1", BATCH, 2, 1, 2, 3));
        assertArrayEquals(new float[] { 2, 3, 1, 5, 6, 4, 8, 9, 7, 11, 12, 10 },
                InputTransforms.apply("shift-left-1", BATCH, 2, 1, 2, 3));
        assertArrayEquals(BATCH, InputTransforms.apply("identity", BATCH, 2, 1, 2, 3));
    }

    @Test
    void unknown_transform_is_rejected_by_name() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InputTransforms.apply("v-flip", BATCH, 2, 1, 2, 3));
        assertEquals(true, e.getMessage().contains("v-flip"));
    }

    @Test
    void average_is_minus_log_mean_exp_of_minus_the_scores() {
        assertEquals(-250.0, InputTransforms.average(new double[] { -250, -250 }), 1e-12);
        // -log((e^1 + e^2) / 2) for scores -1, -2, without overflow at the scale of real scores
        double expected = -Math.log((Math.exp(1) + Math.exp(2)) / 2);
        assertEquals(expected, InputTransforms.average(new double[] { -1, -2 }), 1e-12);
        assertEquals(expected - 250, InputTransforms.average(new double[] { -251, -252 }), 1e-9);
    }
}
