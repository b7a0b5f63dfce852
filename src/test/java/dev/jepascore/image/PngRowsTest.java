package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

import org.junit.jupiter.api.Test;

/**
 * The streamed PNG path against the reference written pixel by pixel: every PNG colour type at every bit depth it
 * allows, with and without tRNS, for 1-channel (luma) and 3-channel (RGB) models, in all eight EXIF orientations,
 * must give exactly the bytes of "each pixel to 8-bit RGBA as Pillow reads it, onto black, luma or RGB, turned
 * upright, resized". The PNGs are written here sample by sample (every row filter used), so the samples are known
 * without any decoder.
 */
class PngRowsTest {

    private static final InputSpec RGB_20_12 = InputSpec.of(3, 20, 12, 1 / 255.0, List.of(0.5, 0.5, 0.5),
            List.of(1.0, 1.0, 1.0));
    private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoderTest.limits(1 << 20, 1 << 20));

    /** colour type, bit depth. */
    private static final int[][] KINDS = { { 0, 1 }, { 0, 2 }, { 0, 4 }, { 0, 8 }, { 0, 16 }, { 2, 8 }, { 2, 16 },
        { 3, 1 }, { 3, 2 }, { 3, 4 }, { 3, 8 }, { 4, 8 }, { 4, 16 }, { 6, 8 }, { 6, 16 } };

    @Test
    void every_colour_type_depth_transparency_channel_count_and_orientation_gives_the_reference_bytes() {
        Random random = new Random(11);
        int checked = 0;
        for (int[] kind : KINDS) {
            for (boolean trns : new boolean[] { false, true }) {
                if (trns && (kind[0] == 4 || kind[0] == 6)) {
                    continue; // tRNS is not allowed with an alpha channel
                }
                for (int[] size : new int[][] { { 61, 37 }, { 9, 300 } }) {
                    Png png = Png.random(random, size[0], size[1], kind[0], kind[1], trns);
                    for (int channels : new int[] { 1, 3 }) {
                        for (int exif = 1; exif <= 8; exif++) {
                            String what = "type " + kind[0] + " depth " + kind[1] + (trns ? " tRNS" : "") + " "
                                    + size[0] + "x" + size[1] + " channels " + channels + " orientation " + exif;
                            InputSpec spec = channels == 1 ? ImageDecoderTest.SPEC : RGB_20_12;
                            ModelImage image = DECODER.decode(TestImages.pngWithOrientation(png.encode(random), exif),
                                    spec);
                            assertEquals("png rows", image.path(), what);
                            byte[][] expected = png.reference(channels, exif, spec.width(), spec.height());
                            for (int c = 0; c < channels; c++) {
                                assertArrayEquals(expected[c], image.planes()[c], what + " plane " + c);
                            }
                            checked++;
                        }
                    }
                }
            }
        }
        assertEquals(26 * 2 * 2 * 8, checked);
    }

    /** A PNG's samples, palette and tRNS, and what its pixels are as Pillow reads them. */
    private record Png(int w, int h, int type, int depth, int[][] samples, byte[] palette, byte[] trns) {

        int perPixel() {
            return switch (type) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1;
            };
        }

        /**
         * Random samples; alpha mostly 0 or 255 (the common cases) with some in between; with tRNS, a colour key
         * that a fifth of the pixels match, or a palette whose first entries are translucent.
         */
        static Png random(Random r, int w, int h, int type, int depth, boolean withTrns) {
            int max = (1 << depth) - 1;
            int n = type == 2 ? 3 : type == 4 ? 2 : type == 6 ? 4 : 1;
            int[] key = new int[n];
            for (int s = 0; s < n; s++) {
                key[s] = r.nextInt(max + 1);
            }
            int[][] samples = new int[h][w * n];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean keyed = withTrns && r.nextInt(5) == 0;
                    for (int s = 0; s < n; s++) {
                        int v = keyed ? key[s] : r.nextInt(max + 1);
                        if ((type == 4 || type == 6) && s == n - 1) {
                            int pick = r.nextInt(4);
                            v = pick == 0 ? 0 : pick == 1 ? max : pick == 2 ? max : r.nextInt(max + 1);
                        }
                        samples[y][x * n + s] = v;
                    }
                }
            }
            byte[] palette = null;
            byte[] trns = null;
            if (type == 3) {
                int entries = Math.max(1, (max + 1) * 3 / 4); // some indices fall outside the palette
                palette = new byte[3 * entries];
                r.nextBytes(palette);
                if (withTrns) {
                    trns = new byte[Math.max(1, entries / 2)]; // the later entries are opaque
                    r.nextBytes(trns);
                    trns[0] = 0;
                }
            } else if (withTrns) {
                trns = new byte[2 * n];
                for (int s = 0; s < n; s++) {
                    trns[2 * s] = (byte) (key[s] >> 8);
                    trns[2 * s + 1] = (byte) key[s];
                }
            }
            return new Png(w, h, type, depth, samples, palette, trns);
        }

        /** A sample as 8 bits: 16-bit by its high byte, fewer bits scaled to 0-255. */
        int to8(int v) {
            return depth == 16 ? v >> 8 : depth == 8 ? v : v * 255 / ((1 << depth) - 1);
        }

        /** Pixel x of row y as 8-bit R, G, B, A. */
        int[] rgba(int x, int y) {
            int[] s = samples[y];
            int n = perPixel();
            return switch (type) {
                case 0 -> {
                    int v = s[x];
                    boolean keyed = trns != null && v == (((trns[0] & 0xff) << 8) | (trns[1] & 0xff));
                    yield new int[] { to8(v), to8(v), to8(v), keyed ? 0 : 255 };
                }
                case 2 -> {
                    boolean keyed = trns != null;
                    for (int c = 0; c < 3 && keyed; c++) {
                        keyed = s[x * n + c] == (((trns[2 * c] & 0xff) << 8) | (trns[2 * c + 1] & 0xff));
                    }
                    yield new int[] { to8(s[x * n]), to8(s[x * n + 1]), to8(s[x * n + 2]), keyed ? 0 : 255 };
                }
                case 3 -> {
                    int i = s[x];
                    if (3 * i >= palette.length) {
                        yield new int[] { 0, 0, 0, 255 };
                    }
                    int a = trns != null && i < trns.length ? trns[i] & 0xff : 255;
                    yield new int[] { palette[3 * i] & 0xff, palette[3 * i + 1] & 0xff, palette[3 * i + 2] & 0xff, a };
                }
                case 4 -> new int[] { to8(s[x * n]), to8(s[x * n]), to8(s[x * n]), to8(s[x * n + 1]) };
                default -> new int[] { to8(s[x * n]), to8(s[x * n + 1]), to8(s[x * n + 2]), to8(s[x * n + 3]) };
            };
        }

        /** The reference: each pixel onto black, luma or RGB, each plane turned upright and resized. */
        byte[][] reference(int channels, int exif, int dstW, int dstH) {
            byte[][] planes = new byte[channels][w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] p = rgba(x, y);
                    int r = Colour.premultiply(p[0], p[3]);
                    int g = Colour.premultiply(p[1], p[3]);
                    int b = Colour.premultiply(p[2], p[3]);
                    if (channels == 1) {
                        planes[0][y * w + x] = (byte) Colour.luma(r, g, b);
                    } else {
                        planes[0][y * w + x] = (byte) r;
                        planes[1][y * w + x] = (byte) g;
                        planes[2][y * w + x] = (byte) b;
                    }
                }
            }
            boolean swap = exif >= 5;
            byte[][] out = new byte[channels][];
            for (int c = 0; c < channels; c++) {
                out[c] = Resampler.resize(RowResizerTest.upright(planes[c], w, h, exif), swap ? h : w, swap ? w : h,
                        dstW, dstH);
            }
            return out;
        }

        /** The PNG file: samples packed big-endian, each row with a random one of the five filters. */
        byte[] encode(Random r) {
            int bpp = Math.max(1, perPixel() * depth / 8);
            int rowBytes = (w * perPixel() * depth + 7) / 8;
            try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    DataOutputStream out = new DataOutputStream(bytes)) {
                out.write(PngReader.SIGNATURE);
                ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
                DataOutputStream header = new DataOutputStream(ihdr);
                header.writeInt(w);
                header.writeInt(h);
                header.write(new byte[] { (byte) depth, (byte) type, 0, 0, 0 });
                chunk(out, "IHDR", ihdr.toByteArray());
                if (palette != null) {
                    chunk(out, "PLTE", palette);
                }
                if (trns != null) {
                    chunk(out, "tRNS", trns);
                }
                ByteArrayOutputStream idat = new ByteArrayOutputStream();
                try (DeflaterOutputStream z = new DeflaterOutputStream(idat)) {
                    byte[] prev = new byte[rowBytes];
                    for (int y = 0; y < h; y++) {
                        byte[] raw = pack(samples[y], rowBytes);
                        int filter = r.nextInt(5);
                        z.write(filter);
                        z.write(filtered(raw, prev, filter, bpp));
                        prev = raw;
                    }
                }
                chunk(out, "IDAT", idat.toByteArray());
                chunk(out, "IEND", new byte[0]);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private byte[] pack(int[] s, int rowBytes) {
            byte[] raw = new byte[rowBytes];
            for (int i = 0; i < s.length; i++) {
                if (depth == 16) {
                    raw[2 * i] = (byte) (s[i] >> 8);
                    raw[2 * i + 1] = (byte) s[i];
                } else {
                    int bit = i * depth;
                    raw[bit >> 3] |= (byte) (s[i] << (8 - depth - (bit & 7)));
                }
            }
            return raw;
        }

        private static byte[] filtered(byte[] raw, byte[] prev, int filter, int bpp) {
            byte[] f = new byte[raw.length];
            for (int i = 0; i < raw.length; i++) {
                int a = i >= bpp ? raw[i - bpp] & 0xff : 0;
                int b = prev[i] & 0xff;
                int c = i >= bpp ? prev[i - bpp] & 0xff : 0;
                int predictor = switch (filter) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) >>> 1;
                    default -> {
                        int p = a + b - c;
                        int pa = Math.abs(p - a);
                        int pb = Math.abs(p - b);
                        int pc = Math.abs(p - c);
                        yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    }
                };
                f[i] = (byte) (raw[i] - predictor);
            }
            return f;
        }

        private static void chunk(DataOutputStream out, String name, byte[] data) throws IOException {
            byte[] type = name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            out.writeInt(data.length);
            out.write(type);
            out.write(data);
            out.writeInt((int) crc.getValue());
        }
    }
}
