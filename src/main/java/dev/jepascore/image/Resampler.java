package dev.jepascore.image;

/**
 * Separable resampling with a triangle (bilinear) kernel whose support widens with the
 * down-scaling factor, so shrinking a large photo averages all of its pixels instead of
 * sampling a few (the scheme Pillow uses for {@code BILINEAR}).
 */
final class Resampler {

    private Resampler() {
    }

    static float[] bilinear(float[] src, int srcW, int srcH, int dstW, int dstH) {
        float[] rows = new float[dstW * srcH];
        Kernel kx = Kernel.of(srcW, dstW);
        for (int y = 0; y < srcH; y++) {
            for (int x = 0; x < dstW; x++) {
                double sum = 0;
                for (int k = 0; k < kx.count[x]; k++) {
                    sum += src[y * srcW + kx.first[x] + k] * kx.weights[x][k];
                }
                rows[y * dstW + x] = (float) sum;
            }
        }
        float[] dst = new float[dstW * dstH];
        Kernel ky = Kernel.of(srcH, dstH);
        for (int y = 0; y < dstH; y++) {
            for (int x = 0; x < dstW; x++) {
                double sum = 0;
                for (int k = 0; k < ky.count[y]; k++) {
                    sum += rows[(ky.first[y] + k) * dstW + x] * ky.weights[y][k];
                }
                dst[y * dstW + x] = (float) sum;
            }
        }
        return dst;
    }

    /** Per output index: the first source index, how many contribute, and their normalised weights. */
    private record Kernel(int[] first, int[] count, double[][] weights) {

        static Kernel of(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;
            int[] first = new int[out];
            int[] count = new int[out];
            double[][] weights = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in, (int) Math.ceil(center + support));
                double[] w = new double[hi - lo];
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double t = Math.abs((j + 0.5 - center) / filterScale);
                    w[j - lo] = t < 1 ? 1 - t : 0;
                    total += w[j - lo];
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] = total > 0 ? w[j] / total : 1.0 / w.length;
                }
                first[i] = lo;
                count[i] = w.length;
                weights[i] = w;
            }
            return new Kernel(first, count, weights);
        }
    }
}
