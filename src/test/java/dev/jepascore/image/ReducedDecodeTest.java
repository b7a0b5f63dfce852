package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;

/**
 * Each format's path to the model's size: JPEG decoded at 1/8 scale by libjpeg-turbo (and the
 * ImageIO fallback), PNG streamed row by row in every colour type, interlaced PNG through ImageIO;
 * each against the reference resize of the fully decoded pixels.
 */
class ReducedDecodeTest {

    private static final InputSpec SPEC = ImageDecoderTest.SPEC;
    private static final ImageConfig LIMITS = ImageDecoderTest.limits(20 << 20, 40_000_000);
    private static final Path JAR = Path.of("/usr/share/java/turbojpeg.jar");
    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");

    private final ImageDecoder turbo = new ImageDecoder(LIMITS, TurboJpegPath.choose("turbojpeg", JAR, LIB));
    private final ImageDecoder imageio = new ImageDecoder(LIMITS, TurboJpegPath.choose("imageio", JAR, LIB));

    /** The reference: every pixel decoded, luma, then the resize. */
    private byte[] reference(byte[] bytes) {
        BufferedImage full = imageio.decodeWithImageIo(bytes);
        return Resampler.resize(TestImages.luma(full), full.getWidth(), full.getHeight(), 28, 28);
    }

    private static int maxDifference(byte[] a, byte[] b) {
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((a[i] & 0xff) - (b[i] & 0xff)));
        }
        return max;
    }

    @Test
    void a_large_jpeg_is_decoded_at_one_eighth_scale_by_libjpeg_turbo() {
        byte[] jpeg = TestImages.encode(TestImages.photo(2400, 1800, 1), "jpg");
        ModelImage image = turbo.decode(jpeg, SPEC);
        assertEquals("jpeg turbojpeg 1/8", image.path()); // 300x225: at least 4x the model's 28 on each axis
        assertTrue(maxDifference(reference(jpeg), image.planes()[0]) <= PhotoFidelityTest.LOSSY_BOUND);
    }

    @Test
    void a_small_jpeg_is_decoded_at_the_scale_that_keeps_four_times_the_model_size() {
        byte[] jpeg = TestImages.encode(TestImages.photo(640, 480, 2), "jpg");
        ModelImage image = turbo.decode(jpeg, SPEC);
        assertEquals("jpeg turbojpeg 1/4", image.path()); // 160x120; 1/8 would give 80x60 < 112
        assertTrue(maxDifference(reference(jpeg), image.planes()[0]) <= PhotoFidelityTest.LOSSY_BOUND);
    }

    @Test
    void without_libjpeg_turbo_jpeg_goes_through_imageio_with_the_same_pixels() {
        byte[] jpeg = TestImages.encode(TestImages.photo(1200, 900, 3), "jpg");
        ModelImage image = imageio.decode(jpeg, SPEC);
        assertEquals("imageio", image.path());
        assertArrayEquals(reference(jpeg), image.planes()[0]);
        assertTrue(imageio.decoding("JPEG").startsWith("ImageIO"), imageio.decoding("JPEG"));
    }

    @Test
    void auto_names_the_jpeg_path_it_took() {
        ImageDecoder missing = new ImageDecoder(LIMITS,
                TurboJpegPath.choose("auto", Path.of("/nonexistent/turbojpeg.jar"), LIB));
        assertTrue(missing.decoding("JPEG").contains("install libturbojpeg-java"), missing.decoding("JPEG"));
        assertTrue(turbo.decoding("JPEG").contains("libjpeg-turbo"), turbo.decoding("JPEG"));
    }

    @Test
    void an_rgb_png_is_read_row_by_row_with_the_reference_pixels_exactly() {
        byte[] png = TestImages.encode(TestImages.photo(1500, 1000, 4), "png");
        ModelImage image = turbo.decode(png, SPEC);
        assertEquals("png rows", image.path());
        assertArrayEquals(reference(png), image.planes()[0]);
    }

    @Test
    void every_png_colour_type_is_read_row_by_row_exactly() {
        BufferedImage photo = TestImages.photo(333, 217, 5);
        for (int type : new int[] { BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY,
            BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED,
            BufferedImage.TYPE_4BYTE_ABGR }) {
            BufferedImage converted = new BufferedImage(photo.getWidth(), photo.getHeight(), type);
            converted.getGraphics().drawImage(photo, 0, 0, null);
            if (converted.getColorModel().hasAlpha()) {
                for (int y = 0; y < 217; y++) {
                    for (int x = 0; x < 333; x += 3) {
                        converted.setRGB(x, y, (converted.getRGB(x, y) & 0xffffff) | ((x * 7 + y) % 256) << 24);
                    }
                }
            }
            byte[] png = TestImages.encode(converted, "png");
            ModelImage image = turbo.decode(png, SPEC);
            assertEquals("png rows", image.path(), "type " + type);
            BufferedImage full = imageio.decodeWithImageIo(png);
            byte[] expected = Resampler.resize(lumaOfRaster(full), 333, 217, 28, 28);
            assertArrayEquals(expected, image.planes()[0], "type " + type);
        }
    }

    @Test
    void a_palette_png_with_transparency_puts_transparent_pixels_on_black() {
        byte[] r = { 0, (byte) 255 };
        byte[] g = { 0, (byte) 255 };
        byte[] b = { 0, (byte) 255 };
        byte[] a = { (byte) 255, 0 }; // white is fully transparent
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_BINARY,
                new IndexColorModel(1, 2, r, g, b, a));
        image.getRaster().setSamples(0, 0, 64, 64, 0, filled(64 * 64, 1));
        ModelImage decoded = turbo.decode(TestImages.encode(image, "png"), SPEC);
        assertEquals(0, decoded.planes()[0][0] & 0xff);
        assertEquals(0, decoded.planes()[0][28 * 28 - 1] & 0xff);
    }

    @Test
    void an_interlaced_png_goes_through_imageio_with_the_same_pixels() throws IOException {
        BufferedImage photo = TestImages.photo(300, 200, 6);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT); // Adam7
            writer.write(null, new IIOImage(photo, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] png = bytes.toByteArray();
        assertEquals(1, png[28], "IHDR interlace method");
        ModelImage image = turbo.decode(png, SPEC);
        assertEquals("imageio", image.path());
        assertArrayEquals(reference(png), image.planes()[0]);
    }

    @Test
    void a_cmyk_or_ycck_jpeg_is_decoded_by_imageio_not_refused() {
        for (int transform : new int[] { -1, 0, 2 }) { // no Adobe marker (CMYK), Adobe CMYK, Adobe YCCK
            byte[] jpeg = TestImages.cmykJpeg(TestImages.photo(320, 240, 7), transform);
            ModelImage image = turbo.decode(jpeg, SPEC);
            assertEquals("imageio after jpeg turbojpeg", image.path(), "Adobe transform " + transform);
            assertArrayEquals(imageio.decode(jpeg, SPEC).planes()[0], image.planes()[0]);
            assertEquals(DecodeCost.IMAGEIO, turbo.estimate(jpeg, SPEC).path(), "charged as ImageIO decodes it");
        }
    }

    @Test
    void a_truncated_jpeg_is_image_corrupt_after_both_decoders_tried_it() {
        byte[] jpeg = TestImages.encode(TestImages.photo(640, 480, 8), "jpg");
        byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        BadImageException e = org.junit.jupiter.api.Assertions.assertThrows(BadImageException.class,
                () -> turbo.decode(cut, SPEC));
        assertEquals(dev.jepascore.ErrorCode.IMAGE_CORRUPT, e.code());
    }

    /** Luma as the reference reads each type: grey from the raster (16-bit by its high byte), colour via sRGB. */
    private static byte[] lumaOfRaster(BufferedImage image) {
        if (image.getRaster().getNumBands() == 1 && !(image.getColorModel() instanceof IndexColorModel)) {
            int bits = image.getSampleModel().getSampleSize(0);
            byte[] out = new byte[image.getWidth() * image.getHeight()];
            int[] s = image.getRaster().getSamples(0, 0, image.getWidth(), image.getHeight(), 0, (int[]) null);
            for (int i = 0; i < s.length; i++) {
                out[i] = (byte) (bits == 16 ? s[i] >> 8 : s[i]);
            }
            return out;
        }
        return TestImages.luma(image);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
