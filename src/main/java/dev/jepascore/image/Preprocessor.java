package dev.jepascore.image;

/**
 * Model-sized 8-bit pixels to the encoder's tensor: {@code (pixel * scale - mean) / std}, written
 * NCHW into a float array.
 */
public final class Preprocessor {

    private Preprocessor() {
    }

    /** Writes the tensor of one image into {@code out} starting at {@code offset} ({@link InputSpec#size()} values). */
    public static void toTensor(ModelImage image, InputSpec spec, float[] out, int offset) {
        int plane = spec.height() * spec.width();
        if (image.width() != spec.width() || image.height() != spec.height()
                || image.planes().length != spec.channels()) {
            throw new IllegalArgumentException("pixels of " + image.planes().length + "x" + image.height() + "x"
                    + image.width() + " for a tensor of " + spec.channels() + "x" + spec.height() + "x" + spec.width());
        }
        for (int c = 0; c < spec.channels(); c++) {
            byte[] p = image.planes()[c];
            double mean = spec.mean().get(c);
            double std = spec.std().get(c);
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                out[base + i] = (float) (((p[i] & 0xff) * spec.scale() - mean) / std);
            }
        }
    }
}
