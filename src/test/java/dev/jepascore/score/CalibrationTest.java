package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import dev.jepascore.result.Label;

class CalibrationTest {

    // percentiles 0, 0.5, 2.5, 50, 97.5, 99.5, 100 of a made-up score distribution
    private final Calibration calibration = new Calibration(new double[] { 0, 0.5, 2.5, 50, 97.5, 99.5, 100 },
            new double[] { -100, -90, -80, -50, -20, -10, 0 }, -80, -20, -90, -10);

    @Test
    void percentile_interpolates_between_calibration_points() {
        assertEquals(50.0, calibration.percentile(-50), 1e-12);
        assertEquals(26.25, calibration.percentile(-65), 1e-12);
        assertEquals(98.5, calibration.percentile(-15), 1e-12);
    }

    @Test
    void percentile_is_clamped_outside_the_calibration_range() {
        assertEquals(0.0, calibration.percentile(-1e9), 0);
        assertEquals(100.0, calibration.percentile(1e9), 0);
    }

    @Test
    void scores_in_the_central_band_are_typical() {
        assertEquals(Label.TYPICAL, calibration.label(-50));
        assertEquals(Label.TYPICAL, calibration.label(-80));
        assertNull(calibration.tail(-50));
    }

    @Test
    void low_tail_is_unusual_then_outlier() {
        assertEquals(Label.UNUSUAL, calibration.label(-85));
        assertEquals(Label.OUTLIER, calibration.label(-95));
        assertEquals("low", calibration.tail(-95));
    }

    @Test
    void high_tail_is_flagged_too_because_ood_can_score_higher() {
        assertEquals(Label.UNUSUAL, calibration.label(-15));
        assertEquals(Label.OUTLIER, calibration.label(-5));
        assertEquals("high", calibration.tail(-5));
    }
}
