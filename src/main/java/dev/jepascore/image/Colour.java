package dev.jepascore.image;

/**
 * The reference's per-pixel arithmetic on 8-bit values, as Pillow does it: transparency
 * premultiplied onto black ({@code RGBa}: {@code c * a / 255} rounded) and ITU-R 601-2 luma
 * ({@code convert("L")}: 16-bit fixed-point weights, rounded). No gamma: the stored (sRGB-encoded)
 * values are weighted and averaged as they are.
 */
final class Colour {

    private Colour() {
    }

    /** ITU-R 601-2 luma in 16-bit fixed point, rounded: Pillow's {@code L = R*299/1000 + G*587/1000 + B*114/1000}. */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** {@code c * a / 255} rounded to nearest, as Pillow's {@code MULDIV255}. */
    static int premultiply(int c, int a) {
        int t = c * a + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** Writes one pixel's channels (1: luma, 3: RGB) at {@code dst[i * channels]}, alpha already applied. */
    static void put(byte[] dst, int i, int channels, int r, int g, int b) {
        if (channels == 1) {
            dst[i] = (byte) luma(r, g, b);
        } else {
            dst[3 * i] = (byte) r;
            dst[3 * i + 1] = (byte) g;
            dst[3 * i + 2] = (byte) b;
        }
    }

    /** Writes one pixel with alpha, composited onto black. */
    static void put(byte[] dst, int i, int channels, int r, int g, int b, int a) {
        if (a != 255) {
            r = premultiply(r, a);
            g = premultiply(g, a);
            b = premultiply(b, a);
        }
        put(dst, i, channels, r, g, b);
    }

    /** Writes one grey pixel (the same value on every channel; its luma is itself). */
    static void putGrey(byte[] dst, int i, int channels, int v) {
        if (channels == 1) {
            dst[i] = (byte) v;
        } else {
            dst[3 * i] = (byte) v;
            dst[3 * i + 1] = (byte) v;
            dst[3 * i + 2] = (byte) v;
        }
    }
}
