package dev.jepascore.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.DecodeCost;
import dev.jepascore.image.PngRowsPath;
import dev.jepascore.image.TurboJpegPath;

/** What a request is expected to cost in slot time, and what each finished request teaches. */
class ServiceTimesTest {

    private static final String KIND = "fmnist-lejepa/sketch";
    private static final DecodeCost.Estimate SMALL_PNG = png(28 * 28);
    private static final DecodeCost.Estimate LARGE_PNG = png(40_000_000);
    private static final DecodeCost.Estimate LARGE_JPEG = new DecodeCost.Estimate(0, 12_000_000, TurboJpegPath.NAME,
            TurboJpegPath.PRIOR_NANOS_PER_PIXEL);
    private static final long MS = 1_000_000;

    private static DecodeCost.Estimate png(long pixels) {
        return new DecodeCost.Estimate(0, pixels, PngRowsPath.NAME, PngRowsPath.PRIOR_NANOS_PER_PIXEL);
    }

    @Test
    void before_any_measurement_a_large_image_is_expected_at_its_paths_prior() {
        ServiceTimes times = new ServiceTimes();
        assertEquals(400 * MS, times.expected(KIND, List.of(LARGE_PNG)), 1e-6 * MS);
        assertEquals(24 * MS, times.expected(KIND, List.of(LARGE_JPEG)), 1e-6 * MS);
    }

    @Test
    void a_small_request_teaches_the_time_per_image_not_the_time_per_pixel() {
        ServiceTimes times = new ServiceTimes();
        times.finished(KIND, List.of(SMALL_PNG), 8 * MS);
        assertEquals(8 * MS, times.perImage(KIND), 0.01 * MS);
        assertEquals(PngRowsPath.PRIOR_NANOS_PER_PIXEL, times.perPixel(SMALL_PNG));
        assertEquals(16 * MS, times.expected(KIND, List.of(SMALL_PNG, SMALL_PNG)), 0.1 * MS);
        assertEquals(0, times.perImage("photo-vit/sketch"), "another model's work is timed apart");
    }

    @Test
    void a_large_request_teaches_its_paths_time_per_pixel_beyond_the_time_per_image() {
        ServiceTimes times = new ServiceTimes();
        times.finished(KIND, List.of(SMALL_PNG), 5 * MS);
        times.finished(KIND, List.of(LARGE_PNG), 205 * MS);
        assertEquals(5.0, times.perPixel(LARGE_PNG), 1e-3);
        assertEquals(5 * MS, times.perImage(KIND), 0.01 * MS, "the per-image time is left as it was");
        assertEquals(105 * MS, times.expected(KIND, List.of(png(20_000_000))), 0.1 * MS);
        assertEquals(2.0, times.perPixel(LARGE_JPEG), "other paths keep their own time");
    }

    @Test
    void a_request_mixing_decode_paths_teaches_no_time_per_pixel() {
        ServiceTimes times = new ServiceTimes();
        times.finished(KIND, List.of(LARGE_PNG, LARGE_JPEG), 10_000 * MS);
        assertEquals(10.0, times.perPixel(LARGE_PNG));
        assertEquals(2.0, times.perPixel(LARGE_JPEG));
    }

    @Test
    void the_estimate_follows_a_change_of_load_within_tens_of_requests() {
        ServiceTimes times = new ServiceTimes();
        for (int i = 0; i < 10; i++) {
            times.finished(KIND, List.of(SMALL_PNG), 10 * MS);
        }
        assertEquals(10 * MS, times.perImage(KIND), 0.01 * MS, "equal samples average to themselves");
        for (int i = 0; i < 30; i++) {
            times.finished(KIND, List.of(SMALL_PNG), 40 * MS);
        }
        double expected = 40 - 30 * Math.pow(1 - ServiceTimes.WEIGHT, 30);
        assertEquals(expected * MS, times.perImage(KIND), 0.01 * MS);
    }
}
