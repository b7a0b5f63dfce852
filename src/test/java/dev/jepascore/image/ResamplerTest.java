package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    @Test
    void constant_image_stays_constant_at_any_size() {
        float[] src = new float[37 * 53];
        Arrays.fill(src, 200f);
        for (float v : Resampler.bilinear(src, 37, 53, 28, 28)) {
            assertEquals(200f, v, 1e-3);
        }
        for (float v : Resampler.bilinear(new float[] { 9f, 9f, 9f, 9f }, 2, 2, 28, 28)) {
            assertEquals(9f, v, 1e-4);
        }
    }

    @Test
    void halving_weights_neighbours_with_a_triangle_twice_as_wide() {
        // output 0 is centred at 1.0: inputs 0, 1, 2 weigh 0.75, 0.75, 0.25 (normalised by 1.75)
        float[] dst = Resampler.bilinear(new float[] { 0, 100, 0, 0 }, 4, 1, 2, 1);
        assertArrayEquals(new float[] { 100 * 0.75f / 1.75f, 100 * 0.25f / 1.75f }, dst, 1e-4f);
    }

    @Test
    void shrinking_a_large_checkerboard_averages_it_instead_of_aliasing() {
        int n = 280;
        float[] src = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                src[y * n + x] = ((x + y) % 2 == 0) ? 255f : 0f;
            }
        }
        for (float v : Resampler.bilinear(src, n, n, 28, 28)) {
            assertEquals(127.5f, v, 2f);
        }
    }
}
