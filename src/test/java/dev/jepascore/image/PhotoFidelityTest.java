package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jepascore.image.Photos.Photo;

/**
 * Real photos (JPEG, PNG, WebP, some with EXIF orientation) decoded by every path give the
 * reference's 28x28 luma (Pillow's full decode) within a stated per-pixel bound: exactly for PNG
 * (lossless, the same integer arithmetic), within {@value #LOSSY_BOUND} levels of 255 for JPEG and
 * WebP, whose reduced-scale decodes and other decoders round differently (measured: at most 1);
 * the pure-Java WebP fallback is bounded apart.
 */
class PhotoFidelityTest {

    /** Largest difference allowed for lossy formats, in 8-bit levels, on any of the 784 pixels. */
    static final int LOSSY_BOUND = 2;

    private static final ImageConfig LIMITS = ImageDecoderTest.limits(20 << 20, 40_000_000);
    private static final Path JAR = Path.of("/usr/share/java/turbojpeg.jar");
    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");

    @Test
    void fast_paths_match_pillow_full_decode_on_real_photos() {
        ImageDecoder fast = new ImageDecoder(LIMITS, TurboJpegPath.choose("turbojpeg", JAR, LIB), true);
        List<String> paths = check(fast);
        assertTrue(paths.stream().anyMatch(p -> p.startsWith("jpeg turbojpeg 1/4")), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.startsWith("webp libwebp")), paths.toString());
        assertTrue(paths.stream().anyMatch(p -> p.equals("png rows")), paths.toString());
    }

    @Test
    void fallback_paths_match_pillow_full_decode_on_real_photos() {
        ImageDecoder fallback = new ImageDecoder(LIMITS, TurboJpegPath.choose("imageio", JAR, LIB), false);
        List<String> paths = check(fallback, false);
        assertEquals(4, paths.stream().filter(p -> p.equals("imageio")).count(), paths.toString()); // the JPEGs
    }

    /**
     * Without libwebp, TwelveMonkeys' pure-Java VP8 decoder is not libwebp's value for value: on the
     * fixture {@code coast-1024.webp} its 28x28 luma is off by 4.0 levels on average (up to 16); on
     * {@code forest-1024-rot8.webp} by 0.2. Bounded here on the mean, so a worse decoder would show.
     */
    static final double TWELVEMONKEYS_WEBP_MEAN_BOUND = 5.0;

    @Test
    void the_pure_java_webp_fallback_stays_near_pillow_on_average() {
        ImageDecoder fallback = new ImageDecoder(LIMITS, TurboJpegPath.choose("imageio", JAR, LIB), false);
        for (Photo p : Photos.all()) {
            if (p.format().equals("WEBP")) {
                ModelImage image = fallback.decode(p.bytes(), ImageDecoderTest.SPEC);
                double sum = 0;
                for (int i = 0; i < p.reference().length; i++) {
                    sum += Math.abs((image.planes()[0][i] & 0xff) - p.reference()[i]);
                }
                assertTrue(sum / p.reference().length <= TWELVEMONKEYS_WEBP_MEAN_BOUND, p.file() + ": mean "
                        + sum / p.reference().length);
            }
        }
    }

    private static List<String> check(ImageDecoder decoder) {
        return check(decoder, true);
    }

    private static List<String> check(ImageDecoder decoder, boolean withWebp) {
        InputSpec spec = ImageDecoderTest.SPEC;
        List<String> paths = new ArrayList<>();
        List<String> off = new ArrayList<>();
        List<Photo> photos = Photos.all();
        assertTrue(photos.size() >= 8, "expected 8 photo fixtures");
        for (Photo p : photos) {
            if (!withWebp && p.format().equals("WEBP")) {
                continue;
            }
            ModelImage image = decoder.decode(p.bytes(), spec);
            paths.add(image.path());
            int max = 0;
            for (int i = 0; i < p.reference().length; i++) {
                max = Math.max(max, Math.abs((image.planes()[0][i] & 0xff) - p.reference()[i]));
            }
            int bound = p.format().equals("PNG") ? 0 : LOSSY_BOUND;
            if (max > bound) {
                off.add(p.file() + " via " + image.path() + ": max difference " + max + " > " + bound);
            }
        }
        assertEquals(List.of(), off);
        return paths;
    }
}
