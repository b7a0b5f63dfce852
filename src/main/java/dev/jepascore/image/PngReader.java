package dev.jepascore.image;

import dev.jepascore.ErrorCode;

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

        /**
         * Values per pixel to read the image into for a model of {@code channels}: 1 for a grey image (type 0 or
         * 4), whose value is the same on every channel, so it is resized once and copied
         * ({@link PngReader#onEveryChannel}).
         */
        int channelsFor(int channels) {
            return colourType == GREY || colourType == GREY_ALPHA ? 1 : channels;
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
        Converter converter = new Converter(h, channels);
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
                converter.feed(cur, out);
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
        } catch (DataFormatException e) {
            throw new BadImageException(ErrorCode.IMAGE_CORRUPT,
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

    /**
     * Turns the unfiltered rows of one image into the model's channels, written as planes into the resizer's next row
     * ({@link RowResizer#nextRow}), with {@link Colour}'s arithmetic: one loop per colour type, 16-bit samples read by
     * their high byte (the low byte only to match a tRNS colour key), and where a sample has few values (palette
     * index, grey of fewer than 8 bits or with a colour key) a table made once per image from the palette, tRNS and
     * scaling. Fully transparent pixels are black and opaque ones skip the premultiplication, as the general formula
     * gives for them.
     */
    static final class Converter {

        private final int type;
        private final int width;
        private final int depth;
        private final int channels;
        /** Distance between the samples of one pixel: 1 byte, or 2 for 16-bit samples. */
        private final int hi;
        /** Palette, grey of fewer than 8 bits or with a colour key: the output of each sample value, per channel. */
        private final int[][] table;
        /** Grey and RGB with tRNS: the colour key's samples at full depth; else null. */
        private final int[] key;

        /** @param channels the model's, or 1 for a grey image ({@link Header#channelsFor}) */
        Converter(Header h, int channels) {
            if (channels != h.channelsFor(channels)) {
                throw new IllegalArgumentException("a grey image is read into one channel, not " + channels);
            }
            this.type = h.colourType();
            this.width = h.width();
            this.depth = h.bitDepth();
            this.channels = channels;
            this.hi = depth == 16 ? 2 : 1;
            byte[] trns = h.transparency();
            int keySamples = type == GREY ? 1 : type == RGB ? 3 : 0;
            if (keySamples > 0 && trns != null && trns.length >= 2 * keySamples) {
                key = new int[keySamples];
                for (int s = 0; s < keySamples; s++) {
                    key[s] = ((trns[2 * s] & 0xff) << 8) | (trns[2 * s + 1] & 0xff);
                }
            } else {
                key = null;
            }
            if (type == PALETTE) {
                table = paletteTable(h.palette(), trns, depth, channels);
            } else if (type == GREY && (depth < 8 || depth == 8 && key != null)) {
                table = new int[channels][1 << depth];
                int max = (1 << depth) - 1;
                for (int v = 0; v <= max; v++) {
                    int out = key != null && v == key[0] ? 0 : v * 255 / max;
                    for (int[] t : table) {
                        t[v] = out;
                    }
                }
            } else {
                table = null;
            }
        }

        private static int[][] paletteTable(byte[] pal, byte[] trns, int depth, int channels) {
            int[][] t = new int[channels][1 << depth];
            int entries = Math.min(pal.length / 3, 1 << depth);
            for (int i = 0; i < entries; i++) { // indices past the palette stay black
                int r = pal[3 * i] & 0xff;
                int g = pal[3 * i + 1] & 0xff;
                int b = pal[3 * i + 2] & 0xff;
                int a = trns != null && i < trns.length ? trns[i] & 0xff : 255;
                if (a != 255) {
                    r = Colour.premultiply(r, a);
                    g = Colour.premultiply(g, a);
                    b = Colour.premultiply(b, a);
                }
                if (channels == 1) {
                    t[0][i] = Colour.luma(r, g, b);
                } else {
                    t[0][i] = r;
                    t[1][i] = g;
                    t[2][i] = b;
                }
            }
            return t;
        }

        /** Converts one unfiltered row ({@code row[0]} is the filter byte) into {@code out}'s next row and gives it. */
        void feed(byte[] row, RowResizer out) {
            int[] d = out.nextRow();
            if (table != null) {
                if (depth == 8) {
                    lookup(row, d);
                } else {
                    lookupPacked(row, d);
                }
            } else if (type == GREY) {
                grey(row, d);
            } else if (type == GREY_ALPHA) {
                greyAlpha(row, d);
            } else if (type == RGB) {
                if (channels == 1) {
                    rgbToLuma(row, d);
                } else {
                    rgbToPlanes(row, d);
                }
            } else if (channels == 1) {
                rgbaToLuma(row, d);
            } else {
                rgbaToPlanes(row, d);
            }
            out.rowWritten();
        }

        private void lookup(byte[] row, int[] d) {
            int w = width;
            for (int c = 0; c < channels; c++) {
                int[] t = table[c];
                for (int x = 0, o = c * w; x < w; x++) {
                    d[o + x] = t[row[1 + x] & 0xff];
                }
            }
        }

        /** 1, 2 or 4 bits a sample, packed from the high bits of each byte. */
        private void lookupPacked(byte[] row, int[] d) {
            int w = width;
            int bits = depth;
            int mask = (1 << bits) - 1;
            for (int c = 0; c < channels; c++) {
                int[] t = table[c];
                for (int x = 0, o = c * w; x < w; x++) {
                    int bit = x * bits;
                    d[o + x] = t[((row[1 + (bit >> 3)] & 0xff) >> (8 - bits - (bit & 7))) & mask];
                }
            }
        }

        /** Grey of 8 bits without a colour key, or of 16 bits. */
        private void grey(byte[] row, int[] d) {
            int w = width;
            if (depth == 8) {
                for (int x = 0; x < w; x++) {
                    d[x] = row[1 + x] & 0xff;
                }
            } else if (key == null) {
                for (int x = 0; x < w; x++) {
                    d[x] = row[1 + 2 * x] & 0xff;
                }
            } else {
                int k = key[0];
                for (int x = 0, p = 1; x < w; x++, p += 2) {
                    int v = row[p] & 0xff;
                    d[x] = ((v << 8) | (row[p + 1] & 0xff)) == k ? 0 : v;
                }
            }
        }

        private void greyAlpha(byte[] row, int[] d) {
            int w = width;
            int step = 2 * hi;
            int alpha = hi;
            for (int x = 0, p = 1; x < w; x++, p += step) {
                int a = row[p + alpha] & 0xff;
                int v = row[p] & 0xff;
                d[x] = a == 255 ? v : Colour.premultiply(v, a);
            }
        }

        /** Whether the pixel at {@code p} is the tRNS colour key (all three samples at full depth). */
        private boolean keyed(byte[] row, int p) {
            for (int s = 0; s < 3; s++) {
                int at = p + s * hi;
                int v = hi == 2 ? ((row[at] & 0xff) << 8) | (row[at + 1] & 0xff) : row[at] & 0xff;
                if (v != key[s]) {
                    return false;
                }
            }
            return true;
        }

        private void rgbToLuma(byte[] row, int[] d) {
            int w = width;
            int g = hi;
            int b = 2 * hi;
            int step = 3 * hi;
            boolean keys = key != null;
            for (int x = 0, p = 1; x < w; x++, p += step) {
                d[x] = keys && keyed(row, p) ? 0 : Colour.luma(row[p] & 0xff, row[p + g] & 0xff, row[p + b] & 0xff);
            }
        }

        private void rgbToPlanes(byte[] row, int[] d) {
            int w = width;
            int g = hi;
            int b = 2 * hi;
            int step = 3 * hi;
            boolean keys = key != null;
            for (int x = 0, p = 1; x < w; x++, p += step) {
                boolean black = keys && keyed(row, p);
                d[x] = black ? 0 : row[p] & 0xff;
                d[w + x] = black ? 0 : row[p + g] & 0xff;
                d[2 * w + x] = black ? 0 : row[p + b] & 0xff;
            }
        }

        private void rgbaToLuma(byte[] row, int[] d) {
            int w = width;
            int g = hi;
            int b = 2 * hi;
            int alpha = 3 * hi;
            int step = 4 * hi;
            for (int x = 0, p = 1; x < w; x++, p += step) {
                int a = row[p + alpha] & 0xff;
                if (a == 0) {
                    d[x] = 0;
                } else if (a == 255) {
                    d[x] = Colour.luma(row[p] & 0xff, row[p + g] & 0xff, row[p + b] & 0xff);
                } else {
                    d[x] = Colour.luma(Colour.premultiply(row[p] & 0xff, a), Colour.premultiply(row[p + g] & 0xff, a),
                            Colour.premultiply(row[p + b] & 0xff, a));
                }
            }
        }

        private void rgbaToPlanes(byte[] row, int[] d) {
            int w = width;
            int g = hi;
            int b = 2 * hi;
            int alpha = 3 * hi;
            int step = 4 * hi;
            for (int x = 0, p = 1; x < w; x++, p += step) {
                int a = row[p + alpha] & 0xff;
                if (a == 0) {
                    d[x] = 0;
                    d[w + x] = 0;
                    d[2 * w + x] = 0;
                } else if (a == 255) {
                    d[x] = row[p] & 0xff;
                    d[w + x] = row[p + g] & 0xff;
                    d[2 * w + x] = row[p + b] & 0xff;
                } else {
                    d[x] = Colour.premultiply(row[p] & 0xff, a);
                    d[w + x] = Colour.premultiply(row[p + g] & 0xff, a);
                    d[2 * w + x] = Colour.premultiply(row[p + b] & 0xff, a);
                }
            }
        }
    }

    /** The planes of a model of {@code channels} from one resized grey plane: copies of it. */
    static byte[][] onEveryChannel(byte[][] planes, int channels) {
        if (planes.length == channels) {
            return planes;
        }
        byte[][] out = new byte[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = planes[0].clone();
        }
        return out;
    }

    private static BadImageException corrupt(String detail) {
        return BadImageException.truncated("PNG", new java.io.IOException(detail));
    }
}
