package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class PreprocessorTest {

    private static final InputSpec GRAY_4 = InputSpec.of(1, 2, 2, 1 / 255.0, List.of(0.5), List.of(0.25));

    @Test
    void pixels_are_normalised_into_the_tensor() {
        ModelImage image = new ModelImage(new byte[][] { { 0, (byte) 128, (byte) 255, 64 } }, 2, 2, "test");
        float[] out = new float[4];
        Preprocessor.toTensor(image, GRAY_4, out, 0);
        assertEquals((0 / 255.0 - 0.5) / 0.25, out[0], 1e-6);
        assertEquals((128 / 255.0 - 0.5) / 0.25, out[1], 1e-6);
        assertEquals((255 / 255.0 - 0.5) / 0.25, out[2], 1e-6);
        assertEquals((64 / 255.0 - 0.5) / 0.25, out[3], 1e-6);
    }

    @Test
    void writes_at_the_offset_of_its_slot_in_the_batch() {
        float[] out = new float[8];
        Preprocessor.toTensor(new ModelImage(new byte[][] { new byte[4] }, 2, 2, "test"), GRAY_4, out, 4);
        assertEquals(0f, out[0], 0f);
        assertEquals(-2f, out[4], 1e-6);
    }

    @Test
    void refuses_pixels_of_another_size() {
        ModelImage image = new ModelImage(new byte[][] { new byte[9] }, 3, 3, "test");
        assertThrows(IllegalArgumentException.class, () -> Preprocessor.toTensor(image, GRAY_4, new float[4], 0));
    }

    @Test
    void colour_becomes_pillow_luma_and_alpha_goes_onto_black() {
        // Pillow: L = R*299/1000 + G*587/1000 + B*114/1000, rounded
        assertEquals(Math.round(255 * 0.299 + 128 * 0.587 + 64 * 0.114), Colour.luma(255, 128, 64));
        assertEquals(0, Colour.premultiply(255, 0));
        assertEquals(128, Colour.premultiply(255, 128));
        assertEquals(64, Colour.premultiply(128, 128)); // 128 * 128 / 255 = 64.25
    }
}
