package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The memory an image will need, read from its header before decoding. */
class DecodeCostTest {

    private static final InputSpec GREY_28 = InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.0), List.of(1.0));

    @Test
    void sixteen_bit_rgba_png_is_charged_eight_bytes_a_pixel_for_its_raster() {
        DecodeCost.Header header = DecodeCost.peek(TestImages.pngRgba16(7000, 5670));
        assertEquals(new DecodeCost.Header(7000, 5670, 8), header);
        // raster 8 + ARGB copy 4 + one float plane 4 bytes a pixel, plus the first resize pass (28 x 5670 floats)
        assertEquals(7000L * 5670 * 16 + 4L * 28 * 5670, DecodeCost.bytes(header, GREY_28));
    }

    @Test
    void eight_bit_grey_and_packed_rgb_headers_give_their_raster_sizes() {
        assertEquals(1, DecodeCost.peek(TestImages.encode(
                new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png"))
                .bytesPerPixel());
        assertEquals(3, DecodeCost.peek(TestImages.picture("png", 10, 10)).bytesPerPixel());
        assertEquals(new DecodeCost.Header(300, 200, DecodeCost.peek(TestImages.picture("jpg", 300, 200))
                .bytesPerPixel()), DecodeCost.peek(TestImages.picture("jpg", 300, 200)));
    }

    @Test
    void unreadable_bytes_have_no_header() {
        assertNull(DecodeCost.peek("not an image".getBytes()));
        assertNull(DecodeCost.peek(new byte[0]));
    }
}
