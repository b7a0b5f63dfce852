package dev.jepascore.image;

import java.nio.charset.StandardCharsets;

/**
 * Finds the EXIF orientation (TIFF tag 0x0112 in the first image directory) where each format
 * keeps its EXIF block: a JPEG's APP1 {@code Exif} segment, a PNG's {@code eXIf} chunk, a WebP's
 * {@code EXIF} chunk. Anything missing or malformed reads as upright, as Pillow reads it.
 */
final class Exif {

    /** The TIFF tag of the orientation. */
    static final int ORIENTATION_TAG = 0x0112;

    private static final byte[] EXIF_PREFIX = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);

    private Exif() {
    }

    /** The orientation in an EXIF block at {@code off} (with or without the {@code Exif\0\0} prefix). */
    static Orientation orientation(byte[] b, int off, int len) {
        int end = Math.min(b.length, off + len);
        if (startsWith(b, off, end, EXIF_PREFIX)) {
            off += EXIF_PREFIX.length;
        }
        if (end - off < 8) {
            return Orientation.NORMAL;
        }
        boolean little;
        if (b[off] == 'I' && b[off + 1] == 'I') {
            little = true;
        } else if (b[off] == 'M' && b[off + 1] == 'M') {
            little = false;
        } else {
            return Orientation.NORMAL;
        }
        if (u16(b, off + 2, little) != 42) {
            return Orientation.NORMAL;
        }
        long ifd = u32(b, off + 4, little);
        if (ifd < 8 || off + ifd + 2 > end) {
            return Orientation.NORMAL;
        }
        int entries = u16(b, (int) (off + ifd), little);
        for (int i = 0; i < entries; i++) {
            int e = (int) (off + ifd + 2 + 12L * i);
            if (e + 12 > end) {
                break;
            }
            if (u16(b, e, little) == ORIENTATION_TAG && u16(b, e + 2, little) == 3) { // SHORT
                return Orientation.ofExif(u16(b, e + 8, little));
            }
        }
        return Orientation.NORMAL;
    }

    /** The orientation of a JPEG: its first APP1 segment holding EXIF, before the image data. */
    static Orientation ofJpeg(byte[] b) {
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xff) != 0xff) {
                return Orientation.NORMAL;
            }
            int marker = b[p + 1] & 0xff;
            if (marker == 0xff) {
                p++;
                continue;
            }
            if (marker == 0xda || marker == 0xd9) { // start of scan, end of image
                return Orientation.NORMAL;
            }
            int len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            if (marker == 0xe1 && startsWith(b, p + 4, Math.min(b.length, p + 2 + len), EXIF_PREFIX)) {
                return orientation(b, p + 4, len - 2);
            }
            p += 2 + len;
        }
        return Orientation.NORMAL;
    }

    /** The orientation of a WebP: its {@code EXIF} chunk in the RIFF container. */
    static Orientation ofWebp(byte[] b) {
        int p = 12;
        while (p + 8 <= b.length) {
            long size = u32(b, p + 4, true);
            if (b[p] == 'E' && b[p + 1] == 'X' && b[p + 2] == 'I' && b[p + 3] == 'F') {
                return orientation(b, p + 8, (int) Math.min(size, b.length - p - 8L));
            }
            p += 8 + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - 16);
            if (p < 0) {
                break;
            }
        }
        return Orientation.NORMAL;
    }

    private static boolean startsWith(byte[] b, int off, int end, byte[] prefix) {
        if (off < 0 || end - off < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int u16(byte[] b, int p, boolean little) {
        int a = b[p] & 0xff;
        int c = b[p + 1] & 0xff;
        return little ? a | (c << 8) : (a << 8) | c;
    }

    static long u32(byte[] b, int p, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int shift = little ? 8 * i : 8 * (3 - i);
            v |= (long) (b[p + i] & 0xff) << shift;
        }
        return v;
    }
}
