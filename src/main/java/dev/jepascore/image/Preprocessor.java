package dev.jepascore.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Pixels to the encoder's tensor: 8-bit channels (luma or RGB, transparency composited onto black,
 * the training images' background), resized to the manifest's size, then
 * {@code (pixel * scale - mean) / std}, written NCHW into a float array.
 */
public final class Preprocessor {

    private Preprocessor() {
    }

    /** Writes the tensor of one image into {@code out} starting at {@code offset} ({@link InputSpec#size()} values). */
    public static void toTensor(BufferedImage image, InputSpec spec, float[] out, int offset) {
        float[][] planes = channelPlanes(image, spec.channels());
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = spec.height() * spec.width();
        for (int c = 0; c < spec.channels(); c++) {
            float[] resized = (w == spec.width() && h == spec.height()) ? planes[c]
                    : Resampler.bilinear(planes[c], w, h, spec.width(), spec.height());
            double mean = spec.mean().get(c);
            double std = spec.std().get(c);
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                out[base + i] = (float) ((resized[i] * spec.scale() - mean) / std);
            }
        }
    }

    /**
     * The image as {@code channels} planes of 8-bit values (0-255, as floats). Grey images are read
     * from the raster (Java2D's grey colour space is linear, so {@code getRGB} would shift them);
     * everything else through sRGB.
     */
    static float[][] channelPlanes(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] planes = new float[channels][w * h];
        Raster raster = image.getRaster();
        boolean indexed = image.getColorModel() instanceof IndexColorModel;
        int bands = raster.getNumBands();
        if (!indexed && (bands == 1 || bands == 2)) {
            int bits = raster.getSampleModel().getSampleSize(0);
            double toByte = 255.0 / ((1L << bits) - 1);
            int alphaBits = bands == 2 ? raster.getSampleModel().getSampleSize(1) : 0;
            double alphaMax = bands == 2 ? (1L << alphaBits) - 1 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = raster.getSample(x, y, 0) * toByte;
                    if (bands == 2) {
                        v = v * raster.getSample(x, y, 1) / alphaMax;
                    }
                    float value = (float) Math.rint(v);
                    for (int c = 0; c < channels; c++) {
                        planes[c][y * w + x] = value;
                    }
                }
            }
            return planes;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = (p >>> 24) & 0xff;
            int r = (p >> 16) & 0xff;
            int g = (p >> 8) & 0xff;
            int b = p & 0xff;
            if (a != 0xff) {
                r = r * a / 255;
                g = g * a / 255;
                b = b * a / 255;
            }
            if (channels == 1) {
                planes[0][i] = luma(r, g, b);
            } else {
                planes[0][i] = r;
                planes[1][i] = g;
                planes[2][i] = b;
            }
        }
        return planes;
    }

    /** ITU-R 601-2 luma in 16-bit fixed point, rounded: the conversion Pillow applies for mode "L". */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
}
