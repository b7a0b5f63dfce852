package dev.jepascore.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Feeds an image decoded by ImageIO to a {@link RowResizer} row by row, converting each row to the
 * model's channels with the reference arithmetic ({@link Colour}). Grey images are read from the
 * raster (Java2D's grey colour space is linear, so {@code getRGB} would shift them), 16-bit samples
 * by their high byte; everything else through its sRGB values.
 */
final class ImageRows {

    private ImageRows() {
    }

    static void feed(BufferedImage image, RowResizer out, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] row = new byte[w * channels];
        Raster raster = image.getRaster();
        int type = image.getType();
        if (type == BufferedImage.TYPE_3BYTE_BGR && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            byte[] bgr = buffer.getData();
            for (int y = 0; y < h; y++) {
                for (int x = 0, p = y * w * 3; x < w; x++, p += 3) {
                    Colour.put(row, x, channels, bgr[p + 2] & 0xff, bgr[p + 1] & 0xff, bgr[p] & 0xff);
                }
                out.row(row, 0);
            }
            return;
        }
        int bands = raster.getNumBands();
        if (!(image.getColorModel() instanceof IndexColorModel) && (bands == 1 || bands == 2)) {
            int bits = raster.getSampleModel().getSampleSize(0);
            int alphaBits = bands == 2 ? raster.getSampleModel().getSampleSize(1) : 8;
            int[] samples = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, samples);
                for (int x = 0; x < w; x++) {
                    int v = to8(samples[x * bands], bits);
                    if (bands == 2) {
                        v = Colour.premultiply(v, to8(samples[x * bands + 1], alphaBits));
                    }
                    Colour.putGrey(row, x, channels, v);
                }
                out.row(row, 0);
            }
            return;
        }
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                Colour.put(row, x, channels, (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff, p >>> 24);
            }
            out.row(row, 0);
        }
    }

    /** A sample of {@code bits} bits as 8 bits: 16-bit by its high byte (as Pillow), fewer bits scaled up. */
    static int to8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }
}
