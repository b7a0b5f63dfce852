package dev.jepascore.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.jepascore.image.ImageConfig;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.ModelImage;
import dev.jepascore.image.TestImages;

/**
 * The streamed PNG decode (inflate, unfilter, convert, resize, row by row) of large PNGs of several kinds, for both
 * bundled models' inputs (28x28 luma, 224x224 RGB): the median over repeats, after warm-up, of
 * {@link ImageDecoder#decode}, beside the floor no row-by-row decoder can go under here: inflating the same rows
 * with the platform's zlib alone. Uses only the public decoder, so the same file times an older checkout.
 * Prints figures; asserts nothing. Run:
 * {@code ./mvnw -q -Pbench test-compile exec:java -Dbench.main=dev.jepascore.bench.PngDecodeBenchmark}
 * ({@code -Dbench.repeats=7}, {@code -Dbench.kinds=rgba16,rgb8} to choose, {@code -Dbench.clock=wall} for elapsed
 * instead of CPU time).
 */
public final class PngDecodeBenchmark {

    private static final InputSpec GREY_28 = InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.0), List.of(1.0));
    private static final InputSpec RGB_224 = InputSpec.of(3, 224, 224, 1 / 255.0, List.of(0.0, 0.0, 0.0),
            List.of(1.0, 1.0, 1.0));

    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("bench.repeats", 7);
        List<String> kinds = List.of(System.getProperty("bench.kinds", "rgba16,rgb8,grey8,palette8").split(","));
        ImageDecoder decoder = new ImageDecoder(limits());
        Map<String, byte[]> images = new LinkedHashMap<>();
        BufferedImage photo = kinds.stream().anyMatch(k -> !k.equals("rgba16")) ? TestImages.photo(4000, 3000, 1)
                : null;
        for (String kind : kinds) {
            switch (kind) {
                case "rgba16" -> images.put("39.7 MP RGBA 16-bit (7000x5670, mostly transparent)",
                        TestImages.pngRgba16(7000, 5670));
                case "rgb8" -> images.put("12 MP RGB 8-bit photo (4000x3000)", TestImages.encode(photo, "png"));
                case "grey8" -> images.put("12 MP grey 8-bit photo (4000x3000)",
                        TestImages.encode(converted(photo, BufferedImage.TYPE_BYTE_GRAY), "png"));
                case "palette8" -> images.put("12 MP palette 8-bit photo (4000x3000)",
                        TestImages.encode(converted(photo, BufferedImage.TYPE_BYTE_INDEXED), "png"));
                default -> throw new IllegalArgumentException("unknown kind " + kind
                        + " (rgba16, rgb8, grey8, palette8)");
            }
        }
        System.out.printf("machine: %d cores, load %.2f, %s %s; median of %d runs after 2 warm-ups, %s%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), repeats,
                CPU ? "CPU time of the decoding thread" : "elapsed time");
        System.out.println();
        System.out.println("| PNG | bytes | inflate only (floor) | decode to 28x28 luma | above floor "
                + "| decode to 224x224 RGB | above floor |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<String, byte[]> e : images.entrySet()) {
            byte[] png = e.getValue();
            double inflate = median(repeats, () -> inflateOnly(png));
            double grey = median(repeats, () -> checked(decoder.decode(png, GREY_28)));
            double rgb = median(repeats, () -> checked(decoder.decode(png, RGB_224)));
            System.out.printf("| %s | %,d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", e.getKey(),
                    png.length, inflate, grey, grey - inflate, rgb, rgb - inflate);
        }
    }

    private static BufferedImage converted(BufferedImage photo, int type) {
        BufferedImage out = new BufferedImage(photo.getWidth(), photo.getHeight(), type);
        out.getGraphics().drawImage(photo, 0, 0, null);
        return out;
    }

    private static long checked(ModelImage image) {
        if (!image.path().equals("png rows")) {
            throw new IllegalStateException("expected the streamed PNG path, took " + image.path());
        }
        return image.planes()[0][0];
    }

    private interface Run {
        long run() throws Exception;
    }

    private static long sink;

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    /**
     * Whether to time the CPU the decoding thread used (the default: on a machine shared with other work it moves far
     * less than elapsed time; a decode runs on the calling thread, zlib included) or elapsed time.
     */
    private static final boolean CPU = !"wall".equals(System.getProperty("bench.clock", "cpu"));

    private static double median(int repeats, Run run) throws Exception {
        for (int i = 0; i < 2; i++) {
            sink += run.run();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
            sink += run.run();
            ms[i] = ((CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime()) - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /** Inflates every row of a non-interlaced PNG into a row buffer, as a row-by-row decoder must, and no more. */
    static long inflateOnly(byte[] png) throws DataFormatException {
        int p = 8;
        long width = 0;
        long height = 0;
        int bitsPerPixel = 0;
        List<int[]> data = new ArrayList<>();
        while (p + 8 <= png.length) {
            int len = readInt(png, p);
            String name = new String(png, p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (name.equals("IHDR")) {
                width = readInt(png, p + 8) & 0xffffffffL;
                height = readInt(png, p + 12) & 0xffffffffL;
                int depth = png[p + 16];
                int samples = switch (png[p + 17]) {
                    case 2 -> 3;
                    case 4 -> 2;
                    case 6 -> 4;
                    default -> 1;
                };
                bitsPerPixel = depth * samples;
            } else if (name.equals("IDAT")) {
                data.add(new int[] { p + 8, len });
            }
            p += 12 + len;
        }
        byte[] row = new byte[1 + (int) ((width * bitsPerPixel + 7) / 8)];
        Inflater inflater = new Inflater();
        long sum = 0;
        try {
            int chunk = 0;
            inflater.setInput(png, data.get(0)[0], data.get(0)[1]);
            for (long y = 0; y < height; y++) {
                int filled = 0;
                while (filled < row.length) {
                    int got = inflater.inflate(row, filled, row.length - filled);
                    filled += got;
                    if (got == 0 && inflater.needsInput()) {
                        chunk++;
                        inflater.setInput(png, data.get(chunk)[0], data.get(chunk)[1]);
                    } else if (got == 0) {
                        throw new IllegalStateException("the image data ends early");
                    }
                }
                sum += row[row.length - 1];
            }
        } finally {
            inflater.end();
        }
        return sum;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static ImageConfig limits() {
        return new ImageConfig() {
            public long maxBytes() {
                return 64L << 20;
            }

            public long maxPixels() {
                return 40_000_000;
            }

            public int maxBatch() {
                return 64;
            }
        };
    }
}
