package dev.jepascore.score;

import java.util.List;

import dev.jepascore.model.ModelManifest;

/**
 * Equation (4) of the paper: JEPA-SCORE averaged over input transforms T,
 * {@code -log mean_T exp(-score_T)}. The transforms are pixel permutations of the model's input tensor
 * (N x C x H x W, row-major), named in the manifest's {@code transforms}; models/verdict_eval.py applies the same
 * ones to 8-bit images ({@code np.roll} semantics for the shifts: what leaves one edge enters at the other). Pure.
 */
public final class InputTransforms {

    /** The transforms a manifest may name. */
    public static final List<String> KNOWN = ModelManifest.TRANSFORMS;

    private InputTransforms() {
    }

    /** The transformed copy of a whole batch of {@code count} images of {@code channels x h x w}. */
    public static float[] apply(String name, float[] pixels, int count, int channels, int h, int w) {
        float[] out = new float[count * channels * h * w];
        for (int plane = 0; plane < count * channels; plane++) {
            int base = plane * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[base + y * w + x] = pixels[base + y * w + source(name, x, w)];
                }
            }
        }
        return out;
    }

    /** The column of the source image that lands in column {@code x}. */
    private static int source(String name, int x, int w) {
        return switch (name) {
            case "identity" -> x;
            case "h-flip" -> w - 1 - x;
            case "shift-right-1" -> (x - 1 + w) % w;
            case "shift-left-1" -> (x + 1) % w;
            default -> throw new IllegalArgumentException("unknown transform '" + name + "', expected one of " + KNOWN);
        };
    }

    /** {@code -log mean exp(-s)}, computed stably (shifted by the smallest score). */
    public static double average(double[] scores) {
        double min = Double.POSITIVE_INFINITY;
        for (double s : scores) {
            min = Math.min(min, s);
        }
        double sum = 0;
        for (double s : scores) {
            sum += Math.exp(-(s - min));
        }
        return min - Math.log(sum / scores.length);
    }
}
