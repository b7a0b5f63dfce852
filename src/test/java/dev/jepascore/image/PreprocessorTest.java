package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;

import org.junit.jupiter.api.Test;

class PreprocessorTest {

    private static final InputSpec GRAY_4 = new InputSpec(1, 2, 2, "bilinear", 1 / 255.0, List.of(0.5), List.of(0.25));

    @Test
    void grey_pixels_are_read_exactly_and_normalised() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 0);
        image.getRaster().setSample(1, 0, 0, 128);
        image.getRaster().setSample(0, 1, 0, 255);
        image.getRaster().setSample(1, 1, 0, 64);
        float[] out = new float[4];
        Preprocessor.toTensor(image, GRAY_4, out, 0);
        assertEquals((0 / 255.0 - 0.5) / 0.25, out[0], 1e-6);
        assertEquals((128 / 255.0 - 0.5) / 0.25, out[1], 1e-6);
        assertEquals((255 / 255.0 - 0.5) / 0.25, out[2], 1e-6);
        assertEquals((64 / 255.0 - 0.5) / 0.25, out[3], 1e-6);
    }

    @Test
    void colour_pixels_become_pillow_luma() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff8040);
        float[][] planes = Preprocessor.channelPlanes(image, 1);
        // Pillow: L = R*299/1000 + G*587/1000 + B*114/1000, rounded
        assertEquals(Math.round(255 * 0.299 + 128 * 0.587 + 64 * 0.114), planes[0][0], 0.5f);
    }

    @Test
    void transparent_pixels_are_composited_onto_black() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00ffffff);
        assertEquals(0f, Preprocessor.channelPlanes(image, 1)[0][0], 0f);
    }

    @Test
    void sixteen_bit_grey_is_scaled_to_eight_bits() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSample(0, 0, 0, 65535);
        assertEquals(255f, Preprocessor.channelPlanes(image, 1)[0][0], 0f);
    }

    @Test
    void writes_at_the_offset_of_its_slot_in_the_batch() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        float[] out = new float[8];
        Preprocessor.toTensor(image, GRAY_4, out, 4);
        assertEquals(0f, out[0], 0f);
        assertEquals(-2f, out[4], 1e-6);
    }
}
