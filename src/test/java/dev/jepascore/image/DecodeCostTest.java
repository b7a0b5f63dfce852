package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The memory an image will need, read from its header before decoding, on the path the decoder will take: the
 * charge is what admission holds against its budget, so it must cover what the decode allocates and no more than
 * that path needs (a full-resolution charge for a reduced decode turns away work that fits).
 */
class DecodeCostTest {

    private static final InputSpec GREY_28 = InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.0), List.of(1.0));
    private static final InputSpec RGB_224 = InputSpec.of(3, 224, 224, 1 / 255.0, List.of(0.5, 0.5, 0.5),
            List.of(0.5, 0.5, 0.5));
    private static final ImageConfig LIMITS = ImageDecoderTest.limits(20 << 20, 40_000_000);
    private static final Path JAR = Path.of("/usr/share/java/turbojpeg.jar");
    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");

    /** Bytes the current thread allocates while decoding {@code bytes}: every allocation, so at least the peak. */
    private static long allocatedDecoding(ImageDecoder decoder, byte[] bytes, InputSpec spec) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        decoder.decode(bytes, spec);
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void sixteen_bit_rgba_png_is_charged_its_rows_not_its_raster() {
        byte[] png = TestImages.pngRgba16(7000, 5670);
        ImageDecoder decoder = new ImageDecoder(LIMITS);
        long charge = decoder.estimate(png, GREY_28).bytes();
        // two stored rows of 7000 x 8 bytes plus the filter byte, one converted row of 7000 ints, 28 first-pass values
        // per stored row, the 28 x 28 result and its float tensor
        assertEquals(2 * (7000 * 8 + 1) + 4 * 7000 + 5670L * 28 + 28 * 28 + 4 * 28 * 28, charge);
        long raster = 7000L * 5670 * 8;
        assertTrue(charge * 1000 < raster, "charged " + charge + " bytes for a " + raster + "-byte raster");
        long allocated = allocatedDecoding(decoder, png, GREY_28);
        assertTrue(allocated < 2 * charge + (1 << 20), "decoding allocated " + allocated + " bytes, charged " + charge);
    }

    @Test
    void jpeg_through_libjpeg_turbo_is_charged_its_reduced_raster_and_through_imageio_its_full_one() {
        byte[] jpeg = TestImages.picture("jpg", 4000, 3000);
        ImageDecoder turbo = new ImageDecoder(LIMITS, TurboJpegPath.choose("turbojpeg", JAR, LIB));
        ImageDecoder imageIo = new ImageDecoder(LIMITS, TurboJpegPath.choose("imageio", JAR, LIB));
        // 224 x 4 = 896 rows kept at least: libjpeg-turbo's scale 3/8 of 3000 rows (1/4 would leave 750)
        assertEquals(DecodeCost.raster(1500, 1125, 3, RGB_224, false), turbo.estimate(jpeg, RGB_224).bytes());
        assertEquals(2 * DecodeCost.raster(4000, 3000, 3, RGB_224, false), imageIo.estimate(jpeg, RGB_224).bytes());
        for (ImageDecoder decoder : List.of(turbo, imageIo)) {
            long charge = decoder.estimate(jpeg, RGB_224).bytes();
            long allocated = allocatedDecoding(decoder, jpeg, RGB_224);
            assertTrue(allocated <= charge + (1 << 20), "allocated " + allocated + ", charged " + charge);
        }
    }

    @Test
    void webp_through_libwebp_is_charged_its_scaled_raster() throws IOException {
        byte[] webp;
        try (InputStream in = getClass().getResourceAsStream("/photos/coast-1024.webp")) {
            webp = in.readAllBytes();
        }
        ImageDecoder decoder = new ImageDecoder(LIMITS);
        DecodeCost.Header h = DecodeCost.peek(webp);
        int[] scaled = WebpNative.scaledSize((int) h.width(), (int) h.height(), 4 * 28, 4 * 28);
        assertTrue(scaled[0] < h.width(), "the photo should be decoded reduced: " + h);
        assertEquals(DecodeCost.raster(scaled[0], scaled[1], 4, GREY_28, false), decoder.estimate(webp, GREY_28).bytes());
    }

    @Test
    void image_the_decoder_refuses_from_its_header_costs_nothing() {
        ImageDecoder decoder = new ImageDecoder(LIMITS);
        assertEquals(0, decoder.estimate(TestImages.pngDeclaring(100_000, 100_000), GREY_28).bytes());
        assertEquals(0, decoder.estimate("not an image".getBytes(), GREY_28).bytes());
        assertEquals(0, decoder.estimate(new byte[0], GREY_28).bytes());
    }

    @Test
    void eight_bit_grey_and_packed_rgb_headers_give_their_raster_sizes() {
        assertEquals(1, DecodeCost.peek(TestImages.encode(
                new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png"))
                .bytesPerPixel());
        assertEquals(3, DecodeCost.peek(TestImages.picture("png", 10, 10)).bytesPerPixel());
        assertEquals(new DecodeCost.Header(300, 200, DecodeCost.peek(TestImages.picture("jpg", 300, 200))
                .bytesPerPixel()), DecodeCost.peek(TestImages.picture("jpg", 300, 200)));
        assertEquals(new DecodeCost.Header(7000, 5670, 8), DecodeCost.peek(TestImages.pngRgba16(7000, 5670)));
    }

    @Test
    void unreadable_bytes_have_no_header() {
        assertNull(DecodeCost.peek("not an image".getBytes()));
        assertNull(DecodeCost.peek(new byte[0]));
    }
}
