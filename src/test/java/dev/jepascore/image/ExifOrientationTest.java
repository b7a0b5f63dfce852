package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Phone photos are stored sideways with an EXIF orientation: the model must see them upright, as
 * Pillow's {@code ImageOps.exif_transpose} turns them, whichever path decodes them.
 */
class ExifOrientationTest {

    private static final InputSpec SPEC = ImageDecoderTest.SPEC;
    private static final ImageConfig LIMITS = ImageDecoderTest.limits(20 << 20, 40_000_000);
    private static final Path JAR = Path.of("/usr/share/java/turbojpeg.jar");
    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");

    /** Where the bright top-left block of the stored picture appears once upright, per EXIF value 1-8. */
    private static final String[] CORNER = { null, "top-left", "top-right", "bottom-right", "bottom-left",
        "top-left", "top-right", "bottom-right", "bottom-left" };

    /** A stored 640x480 picture: dark, with a bright block in its top-left corner. */
    private static BufferedImage marked() {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(20, 20, 20));
        g.fillRect(0, 0, 640, 480);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 150);
        g.dispose();
        return image;
    }

    /** The quarter of the upright 28x28 image holding the bright block. */
    private static String brightCorner(byte[] p) {
        double[] sum = new double[4];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                sum[(y < 14 ? 0 : 2) + (x < 14 ? 0 : 1)] += p[y * 28 + x] & 0xff;
            }
        }
        int best = 0;
        for (int i = 1; i < 4; i++) {
            if (sum[i] > sum[best]) {
                best = i;
            }
        }
        return List.of("top-left", "top-right", "bottom-left", "bottom-right").get(best);
    }

    @Test
    void all_eight_orientations_of_a_png_give_the_resize_of_the_upright_picture_exactly() {
        BufferedImage stored = TestImages.photo(160, 90, 9);
        byte[] png = TestImages.encode(stored, "png");
        byte[] luma = TestImages.luma(stored);
        ImageDecoder decoder = new ImageDecoder(LIMITS);
        for (int exif = 1; exif <= 8; exif++) {
            ModelImage image = decoder.decode(TestImages.pngWithOrientation(png, exif), SPEC);
            boolean swap = exif >= 5;
            byte[] upright = RowResizerTest.upright(luma, 160, 90, exif);
            assertArrayEquals(Resampler.resize(upright, swap ? 90 : 160, swap ? 160 : 90, 28, 28), image.planes()[0],
                    "EXIF orientation " + exif);
        }
    }

    @Test
    void jpeg_orientations_turn_the_picture_upright_with_libjpeg_turbo_and_with_imageio() {
        byte[] jpeg = TestImages.encode(marked(), "jpg");
        for (String path : new String[] { "turbojpeg", "imageio" }) {
            ImageDecoder decoder = new ImageDecoder(LIMITS, TurboJpegPath.choose(path, JAR, LIB));
            for (int exif = 1; exif <= 8; exif++) {
                ModelImage image = decoder.decode(TestImages.jpegWithOrientation(jpeg, exif), SPEC);
                assertEquals(CORNER[exif], brightCorner(image.planes()[0]), path + ", EXIF orientation " + exif);
            }
        }
    }

    @Test
    void a_sideways_phone_photo_comes_out_as_pillow_turns_it() {
        // the fixtures' rotated photos: JPEG 6 and 3, WebP 8, PNG 6, compared with Pillow's exif_transpose
        long rotated = Photos.all().stream().filter(p -> p.orientation() != 1).count();
        assertTrue(rotated >= 4, "rotated photo fixtures: " + rotated);
        ImageDecoder decoder = new ImageDecoder(LIMITS);
        for (Photos.Photo p : Photos.all()) {
            if (p.orientation() == 1) {
                continue;
            }
            ModelImage ignoring = decoder.decode(p.bytes(), withOrientation(InputSpec.ORIENTATION_STORED));
            ModelImage upright = decoder.decode(p.bytes(), SPEC);
            assertTrue(meanDifference(upright.planes()[0], p.reference()) < 1.0, p.file());
            assertTrue(meanDifference(ignoring.planes()[0], p.reference()) > 5.0,
                    p.file() + ": the stored picture should differ from the upright one");
        }
    }

    private static InputSpec withOrientation(String orientation) {
        return new InputSpec(1, 28, 28, SPEC.resize(), SPEC.colour(), SPEC.alpha(), orientation, SPEC.scale(),
                SPEC.mean(), SPEC.std());
    }

    private static double meanDifference(byte[] a, int[] ref) {
        double s = 0;
        for (int i = 0; i < ref.length; i++) {
            s += Math.abs((a[i] & 0xff) - ref[i]);
        }
        return s / ref.length;
    }
}
