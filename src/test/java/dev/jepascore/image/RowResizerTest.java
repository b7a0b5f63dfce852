package dev.jepascore.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

class RowResizerTest {

    /** The image turned upright as Pillow's exif_transpose turns it (its Image.transpose methods, written out). */
    static byte[] upright(byte[] s, int w, int h, int exif) {
        boolean swap = exif >= 5;
        int uw = swap ? h : w;
        int uh = swap ? w : h;
        byte[] u = new byte[uw * uh];
        for (int y = 0; y < uh; y++) {
            for (int x = 0; x < uw; x++) {
                int sx;
                int sy;
                switch (exif) {
                    case 2 -> { sx = w - 1 - x; sy = y; }           // FLIP_LEFT_RIGHT
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }   // ROTATE_180
                    case 4 -> { sx = x; sy = h - 1 - y; }           // FLIP_TOP_BOTTOM
                    case 5 -> { sx = y; sy = x; }                   // TRANSPOSE
                    case 6 -> { sx = y; sy = h - 1 - x; }           // ROTATE_270 (90 degrees clockwise)
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }   // TRANSVERSE
                    case 8 -> { sx = w - 1 - y; sy = x; }           // ROTATE_90 (90 degrees anticlockwise)
                    default -> { sx = x; sy = y; }
                }
                u[y * uw + x] = s[sy * w + sx];
            }
        }
        return u;
    }

    @Test
    void every_exif_orientation_gives_the_resize_of_the_upright_image_exactly() {
        Random random = new Random(7);
        int w = 97;
        int h = 61;
        byte[] src = new byte[w * h];
        random.nextBytes(src);
        for (int exif = 1; exif <= 8; exif++) {
            for (int[] dst : new int[][] { { 28, 28 }, { 12, 20 }, { 40, 9 } }) {
                Orientation o = Orientation.ofExif(exif);
                RowResizer r = new RowResizer(w, h, dst[0], dst[1], 1, o);
                for (int y = 0; y < h; y++) {
                    r.row(src, y * w);
                }
                byte[] up = upright(src, w, h, exif);
                int uw = exif >= 5 ? h : w;
                int uh = exif >= 5 ? w : h;
                assertArrayEquals(Resampler.resize(up, uw, uh, dst[0], dst[1]), r.finish()[0],
                        "orientation " + exif + " to " + dst[0] + "x" + dst[1]);
            }
        }
    }

    @Test
    void colour_rows_are_resized_per_channel() {
        Random random = new Random(3);
        int w = 50;
        int h = 40;
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb);
        RowResizer r = new RowResizer(w, h, 28, 28, 3, Orientation.ROTATE_90_CW);
        for (int y = 0; y < h; y++) {
            r.row(rgb, y * w * 3);
        }
        byte[][] planes = r.finish();
        for (int c = 0; c < 3; c++) {
            byte[] plane = new byte[w * h];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = rgb[3 * i + c];
            }
            assertArrayEquals(Resampler.resize(upright(plane, w, h, 6), h, w, 28, 28), planes[c], "channel " + c);
        }
    }
}
