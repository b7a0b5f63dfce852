package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * The differential corpus ({@link Corpus}): every valid image decodes on the path the decoder picks for it, and lands
 * within its path's tolerance of the reference decode, ImageIO's full-resolution decode (the JDK's readers; for WebP
 * TwelveMonkeys') put through the same resize; damaged copies end in a {@link BadImageException} (a 4xx) or a
 * result, never another failure or a hang. {@code -Dcorpus.scale=24} runs the full corpus (3 112 images; the
 * reliability suite's {@code corpus} scenario does, over HTTP too); the default 1 is the short form (156 images,
 * 312 damaged).
 */
class CorpusTest {

    static final int SCALE = Integer.getInteger("corpus.scale", 1);
    /** The bundled model's input: 28 x 28 luma. */
    private static final InputSpec SPEC = ImageDecoderTest.SPEC;
    private static final ImageConfig LIMITS = ImageDecoderTest.limits(20 << 20, 40_000_000);
    private static final Path JAR = Path.of("/usr/share/java/turbojpeg.jar");
    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0");

    /**
     * Tolerances against the reference, in 8-bit levels of the 28 x 28 input, by decode path: a maximum at any pixel
     * and a mean. Everything ImageIO decodes is the reference itself (0). The streamed PNG decode takes a 16-bit
     * sample's high byte, as Pillow does; ImageIO's colour conversion rounds (v x 255 / 65535), so 16-bit colour
     * PNGs differ by a level or two; 8-bit and grey ones not at all. libjpeg-turbo decodes in the DCT domain at a
     * reduced scale with its own IDCT and chroma upsampling, against the JDK's libjpeg 6b at full size. libwebp's
     * scaled decode is compared with its own full decode ({@code dwebp}); TwelveMonkeys' pure-Java decoder, which
     * reads animated WebP (libwebp's still decoder does not), with {@code dwebp} of the first frame. Each bound is
     * the largest difference measured on the full corpus ({@code -Dcorpus.scale=24}), rounded up: PNG rows 2 / 1.00,
     * libjpeg-turbo 22 / 6.13 (the largest means on pictures 2 px wide, whose few columns the resize stretches to 28),
     * libwebp 2 / 0.22, TwelveMonkeys (animated lossy) 23 / 6.15.
     */
    static final int PNG_ROWS_MAX = 2;
    static final double PNG_ROWS_MEAN = 1.0;
    static final int TURBO_MAX = 24;
    static final double TURBO_MEAN = 6.5;
    static final int WEBP_MAX = 3;
    static final double WEBP_MEAN = 0.5;
    static final int TWELVEMONKEYS_MAX = 24;
    static final double TWELVEMONKEYS_MEAN = 6.5;

    /** Longest a damaged copy may take to be decoded or refused; a hang fails the test. */
    static final Duration DAMAGED_BUDGET = Duration.ofSeconds(SCALE == 1 ? 60 : 900);

    private final ImageDecoder decoder = new ImageDecoder(LIMITS, TurboJpegPath.choose("auto", JAR, LIB), true);
    private final ImageDecoder reference = new ImageDecoder(LIMITS, TurboJpegPath.choose("imageio", JAR, LIB),
            false);

    /** ImageIO's full decode of {@code bytes}, upright, resized and converted as every path does. */
    private byte[] referenceOf(byte[] bytes) {
        BufferedImage full = reference.decodeWithImageIo(bytes);
        RowResizer out = new RowResizer(full.getWidth(), full.getHeight(), SPEC.width(), SPEC.height(),
                SPEC.channels(), reference.orientation(bytes, SPEC));
        ImageRows.feed(full, out, SPEC.channels());
        return out.finish()[0];
    }

    @Test
    void every_valid_image_of_the_corpus_is_decoded_within_its_tolerance_of_the_reference() {
        List<Corpus.Sample> corpus = Corpus.valid(SCALE);
        Map<String, Tally> byClass = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Corpus.Sample s : corpus) {
            Tally t = byClass.computeIfAbsent(s.cls(), c -> new Tally());
            t.images++;
            ModelImage image;
            byte[] expected;
            try {
                image = decoder.decode(s.bytes(), SPEC);
                expected = s.reference() == null ? referenceOf(s.bytes()) : referenceOf(s.reference());
            } catch (RuntimeException e) {
                failures.add(s.cls() + " " + s.name() + ": " + e);
                continue;
            }
            t.paths.merge(image.path().replaceAll(" \\d+(/\\d+|x\\d+)$", ""), 1, Integer::sum);
            byte[] got = image.planes()[0];
            int max = 0;
            double sum = 0;
            for (int i = 0; i < got.length; i++) {
                int d = Math.abs((got[i] & 0xff) - (expected[i] & 0xff));
                max = Math.max(max, d);
                sum += d;
            }
            double mean = sum / got.length;
            t.max = Math.max(t.max, max);
            t.mean = Math.max(t.mean, mean);
            String path = image.path();
            boolean within = path.startsWith(TurboJpegPath.NAME) ? max <= TURBO_MAX && mean <= TURBO_MEAN
                    : path.startsWith(LibwebpPath.NAME) ? max <= WEBP_MAX && mean <= WEBP_MEAN
                    : s.reference() != null ? max <= TWELVEMONKEYS_MAX && mean <= TWELVEMONKEYS_MEAN
                    : path.startsWith(PngRowsPath.NAME) ? max <= PNG_ROWS_MAX && mean <= PNG_ROWS_MEAN : max == 0;
            if (!within) {
                failures.add(s.cls() + " " + s.name() + " on " + path + ": " + max + " levels at most, " + mean
                        + " on average, from the reference");
            }
        }
        System.out.printf("corpus (scale %d): %d valid images in %d classes%n", SCALE, corpus.size(), byClass.size());
        System.out.println("| class | images | decoded by | largest difference | largest mean difference |");
        System.out.println("|---|---|---|---|---|");
        byClass.forEach((cls, t) -> System.out.printf("| %s | %d | %s | %d | %.2f |%n", cls, t.images, t.paths, t.max,
                t.mean));
        assertTrue(failures.isEmpty(), failures.size() + " of " + corpus.size() + " valid images refused or off: "
                + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    }

    @Test
    void damaged_copies_end_in_a_client_error_or_a_result_and_never_hang() {
        List<Corpus.Sample> damaged = Corpus.mutated(Corpus.valid(SCALE), 2, 20);
        Map<String, int[]> byClass = new TreeMap<>(); // {results, client errors}
        List<String> failures = new ArrayList<>();
        assertTimeoutPreemptively(DAMAGED_BUDGET, () -> {
            for (Corpus.Sample s : damaged) {
                int[] t = byClass.computeIfAbsent(s.cls().replaceAll(" \\S+ ?\\S*$", "")
                        + (s.cls().endsWith("truncated") ? " truncated" : " bit-flipped"), c -> new int[2]);
                try {
                    decoder.decode(s.bytes(), SPEC);
                    t[0]++;
                } catch (BadImageException e) {
                    t[1]++; // empty, not an image, corrupt, too many pixels, unsupported: each a 4xx
                } catch (RuntimeException | Error e) {
                    failures.add(s.cls() + " " + s.name() + ": " + e);
                }
            }
        });
        int results = byClass.values().stream().mapToInt(t -> t[0]).sum();
        System.out.printf("damaged corpus: %d copies, %d decoded to a result, %d refused as the client's (4xx), "
                + "%d otherwise%n", damaged.size(), results, damaged.size() - results - failures.size(),
                failures.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    }

    private static final class Tally {
        int images;
        int max;
        double mean;
        final Map<String, Integer> paths = new TreeMap<>();
    }
}
