package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    @Test
    void constant_image_stays_constant_at_any_size() {
        byte[] src = new byte[37 * 53];
        Arrays.fill(src, (byte) 200);
        for (byte v : Resampler.resize(src, 37, 53, 28, 28)) {
            assertEquals(200, v & 0xff);
        }
        for (byte v : Resampler.resize(new byte[] { 9, 9, 9, 9 }, 2, 2, 28, 28)) {
            assertEquals(9, v & 0xff);
        }
    }

    @Test
    void halving_weights_neighbours_with_a_triangle_twice_as_wide_and_rounds_as_pillow() {
        // output 0 is centred at 1.0: inputs 0, 1, 2 weigh 0.75, 0.75, 0.25 (/1.75): 100 * 0.75 / 1.75 = 42.9 -> 43;
        // output 1 is centred at 3.0: inputs 1, 2, 3 weigh 0.25, 0.75, 0.75: 100 * 0.25 / 1.75 = 14.3 -> 14
        // (Pillow 9.4: Image.frombytes("L", (4, 1), bytes([0, 100, 0, 0])).resize((2, 1), BILINEAR) gives 43, 14)
        byte[] dst = Resampler.resize(new byte[] { 0, 100, 0, 0 }, 4, 1, 2, 1);
        assertArrayEquals(new byte[] { 43, 14 }, dst);
    }

    @Test
    void same_size_is_the_identity() {
        byte[] src = new byte[28 * 28];
        new java.util.Random(1).nextBytes(src);
        assertArrayEquals(src, Resampler.resize(src, 28, 28, 28, 28));
    }

    @Test
    void shrinking_a_large_checkerboard_averages_it_instead_of_aliasing() {
        int n = 280;
        byte[] src = new byte[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                src[y * n + x] = (byte) (((x + y) % 2 == 0) ? 255 : 0);
            }
        }
        for (byte v : Resampler.resize(src, n, n, 28, 28)) {
            assertEquals(127.5, v & 0xff, 2);
        }
    }
}
