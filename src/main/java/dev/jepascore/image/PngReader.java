package dev.jepascore.image;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a non-interlaced PNG row by row into a {@link RowResizer}: the image data is inflated
 * (the platform's zlib, through {@link Inflater}) one row at a time, unfiltered against the row
 * above and turned into the model's channels at once, so only two rows of the stored image are
 * ever held. Sample conversion follows Pillow: 1/2/4-bit grey scaled to 0-255, 16-bit samples by
 * their high byte, palette and colour-key transparency (tRNS) applied, alpha onto black.
 * Interlaced (Adam7) images are left to ImageIO.
 */
final class PngReader {

    static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int PALETTE = 3;
    private static final int GREY_ALPHA = 4;
    private static final int RGBA = 6;

    /** What the chunks before the pixels say. */
    record Header(int width, int height, int bitDepth, int colourType, boolean interlaced, byte[] palette,
            byte[] transparency, Orientation orientation, List<int[]> data) {

        int samplesPerPixel() {
            return switch (colourType) {
                case GREY, PALETTE -> 1;
                case GREY_ALPHA -> 2;
                case RGB -> 3;
                default -> 4;
            };
        }

        int rowBytes() {
            return (int) (((long) width * samplesPerPixel() * bitDepth + 7) / 8);
        }

        /** Distance in bytes to the same sample of the previous pixel, for the filters. */
        int filterStride() {
            return Math.max(1, samplesPerPixel() * bitDepth / 8);
        }
    }

    private PngReader() {
    }

    static boolean isPng(byte[] b) {
        if (b.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (b[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Walks the chunk list (lengths only, no pixel data touched). */
    static Header header(byte[] b) {
        int p = SIGNATURE.length;
        int width = 0;
        int height = 0;
        int depth = 0;
        int type = -1;
        boolean interlaced = false;
        byte[] palette = null;
        byte[] trns = null;
        Orientation orientation = Orientation.NORMAL;
        List<int[]> data = new ArrayList<>();
        boolean sawHeader = false;
        while (p + 8 <= b.length) {
            long len = Exif.u32(b, p, false);
            int body = p + 8;
            if (len > b.length - body) {
                if (data.isEmpty()) {
                    throw corrupt("chunk at byte " + p + " declares " + len + " bytes past the end of the file");
                }
                len = b.length - body; // a last chunk cut short: the inflater tells whether rows are missing
            }
            String name = new String(b, p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            int n = (int) len;
            if (!sawHeader) {
                if (!name.equals("IHDR") || n < 13) {
                    throw corrupt("the first chunk is " + name + ", not a 13-byte IHDR");
                }
                width = (int) Math.min(Integer.MAX_VALUE, Exif.u32(b, body, false));
                height = (int) Math.min(Integer.MAX_VALUE, Exif.u32(b, body + 4, false));
                depth = b[body + 8] & 0xff;
                type = b[body + 9] & 0xff;
                interlaced = b[body + 12] != 0;
                sawHeader = true;
            } else if (name.equals("PLTE")) {
                palette = java.util.Arrays.copyOfRange(b, body, body + n);
            } else if (name.equals("tRNS")) {
                trns = java.util.Arrays.copyOfRange(b, body, body + n);
            } else if (name.equals("eXIf")) {
                orientation = Exif.orientation(b, body, n);
            } else if (name.equals("IDAT")) {
                data.add(new int[] { body, n });
            } else if (name.equals("IEND")) {
                break;
            }
            p = body + n + 4;
        }
        if (!sawHeader) {
            throw corrupt("no IHDR chunk");
        }
        if (!validDepth(type, depth)) {
            throw corrupt("colour type " + type + " with bit depth " + depth + " is not a PNG combination");
        }
        if (type == PALETTE && palette == null) {
            throw corrupt("a palette image without a PLTE chunk");
        }
        if (data.isEmpty()) {
            throw corrupt("no image data (IDAT)");
        }
        return new Header(width, height, depth, type, interlaced, palette, trns, orientation, data);
    }

    private static boolean validDepth(int type, int depth) {
        return switch (type) {
            case GREY -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case PALETTE -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case RGB, GREY_ALPHA, RGBA -> depth == 8 || depth == 16;
            default -> false;
        };
    }

    /** Inflates, unfilters and converts every row of {@code h} into {@code out}. */
    static void read(byte[] b, Header h, RowResizer out, int channels) {
        int rowBytes = h.rowBytes();
        int bpp = h.filterStride();
        byte[] prev = new byte[rowBytes + 1];
        byte[] cur = new byte[rowBytes + 1];
        byte[] converted = new byte[h.width() * channels];
        Inflater inflater = new Inflater();
        try {
            int chunk = 0;
            inflater.setInput(b, h.data().get(0)[0], h.data().get(0)[1]);
            for (int y = 0; y < h.height(); y++) {
                int filled = 0;
                while (filled < cur.length) {
                    int got = inflater.inflate(cur, filled, cur.length - filled);
                    filled += got;
                    if (got == 0) {
                        if (inflater.finished() || inflater.needsDictionary()) {
                            throw corrupt("the image data ends after " + y + " of " + h.height() + " rows");
                        }
                        if (inflater.needsInput()) {
                            if (++chunk >= h.data().size()) {
                                throw corrupt("the image data is truncated after " + y + " of " + h.height()
                                        + " rows");
                            }
                            inflater.setInput(b, h.data().get(chunk)[0], h.data().get(chunk)[1]);
                        }
                    }
                }
                unfilter(cur, prev, rowBytes, bpp, y);
                convert(cur, h, converted, channels);
                out.row(converted, 0);
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
        } catch (DataFormatException e) {
            throw new BadImageException(dev.jepascore.JepaException.Kind.BAD_INPUT, "image_corrupt",
                    "the PNG image is truncated or corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** Undoes the row's filter in place ({@code row[0]} is the filter type, the samples follow). */
    static void unfilter(byte[] row, byte[] prev, int n, int bpp, int y) {
        int type = row[0];
        switch (type) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = 1 + bpp; i <= n; i++) {
                    row[i] += row[i - bpp];
                }
            }
            case 2 -> {
                for (int i = 1; i <= n; i++) {
                    row[i] += prev[i];
                }
            }
            case 3 -> {
                for (int i = 1; i <= bpp && i <= n; i++) {
                    row[i] += (byte) ((prev[i] & 0xff) >>> 1);
                }
                for (int i = 1 + bpp; i <= n; i++) {
                    row[i] += (byte) (((row[i - bpp] & 0xff) + (prev[i] & 0xff)) >>> 1);
                }
            }
            case 4 -> {
                for (int i = 1; i <= bpp && i <= n; i++) {
                    row[i] += prev[i]; // Paeth with a = c = 0 picks b
                }
                for (int i = 1 + bpp; i <= n; i++) {
                    int a = row[i - bpp] & 0xff;
                    int b = prev[i] & 0xff;
                    int c = prev[i - bpp] & 0xff;
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    row[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
            }
            default -> throw corrupt("row " + y + " has filter type " + (type & 0xff) + " (0-4 are defined)");
        }
    }

    private static void convert(byte[] row, Header h, byte[] dst, int channels) {
        int w = h.width();
        int depth = h.bitDepth();
        byte[] trns = h.transparency();
        switch (h.colourType()) {
            case RGB -> {
                int step = depth == 16 ? 6 : 3;
                int hi = depth == 16 ? 2 : 1; // offset between samples
                boolean key = trns != null && trns.length >= 6;
                for (int x = 0, p = 1; x < w; x++, p += step) {
                    int r = row[p] & 0xff;
                    int g = row[p + hi] & 0xff;
                    int bl = row[p + 2 * hi] & 0xff;
                    if (key && matchesKey(row, p, hi, depth, trns, 3)) {
                        Colour.put(dst, x, channels, 0, 0, 0);
                    } else {
                        Colour.put(dst, x, channels, r, g, bl);
                    }
                }
            }
            case RGBA -> {
                int hi = depth == 16 ? 2 : 1;
                for (int x = 0, p = 1; x < w; x++, p += 4 * hi) {
                    Colour.put(dst, x, channels, row[p] & 0xff, row[p + hi] & 0xff, row[p + 2 * hi] & 0xff,
                            row[p + 3 * hi] & 0xff);
                }
            }
            case GREY_ALPHA -> {
                int hi = depth == 16 ? 2 : 1;
                for (int x = 0, p = 1; x < w; x++, p += 2 * hi) {
                    Colour.putGrey(dst, x, channels, Colour.premultiply(row[p] & 0xff, row[p + hi] & 0xff));
                }
            }
            case GREY -> {
                boolean key = trns != null && trns.length >= 2;
                int keyValue = key ? ((trns[0] & 0xff) << 8) | (trns[1] & 0xff) : -1;
                for (int x = 0; x < w; x++) {
                    int raw = sample(row, x, depth);
                    int v = depth == 16 ? raw >> 8 : depth == 8 ? raw : raw * 255 / ((1 << depth) - 1);
                    Colour.putGrey(dst, x, channels, raw == keyValue ? 0 : v);
                }
            }
            default -> { // PALETTE
                byte[] pal = h.palette();
                int entries = pal.length / 3;
                for (int x = 0; x < w; x++) {
                    int i = sample(row, x, depth);
                    if (i >= entries) {
                        Colour.put(dst, x, channels, 0, 0, 0);
                        continue;
                    }
                    int a = trns != null && i < trns.length ? trns[i] & 0xff : 255;
                    Colour.put(dst, x, channels, pal[3 * i] & 0xff, pal[3 * i + 1] & 0xff, pal[3 * i + 2] & 0xff, a);
                }
            }
        }
    }

    private static boolean matchesKey(byte[] row, int p, int hi, int depth, byte[] trns, int samples) {
        for (int s = 0; s < samples; s++) {
            int v = depth == 16 ? ((row[p + s * hi] & 0xff) << 8) | (row[p + s * hi + 1] & 0xff)
                    : row[p + s] & 0xff;
            int k = ((trns[2 * s] & 0xff) << 8) | (trns[2 * s + 1] & 0xff);
            if (v != k) {
                return false;
            }
        }
        return true;
    }

    /** Sample {@code x} of a one-sample-per-pixel row at {@code depth} bits (row[0] is the filter byte). */
    private static int sample(byte[] row, int x, int depth) {
        return switch (depth) {
            case 8 -> row[1 + x] & 0xff;
            case 16 -> ((row[1 + 2 * x] & 0xff) << 8) | (row[2 + 2 * x] & 0xff);
            default -> {
                int bit = x * depth;
                int shift = 8 - depth - (bit & 7);
                yield ((row[1 + (bit >> 3)] & 0xff) >> shift) & ((1 << depth) - 1);
            }
        };
    }

    private static BadImageException corrupt(String detail) {
        return BadImageException.truncated("PNG", new java.io.IOException(detail));
    }
}
