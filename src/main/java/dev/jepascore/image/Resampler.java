package dev.jepascore.image;

/**
 * The reference resize in integer arithmetic, value for value: Pillow's {@code Image.resize} with
 * {@code BILINEAR} on 8-bit planes (Pillow 9.4, {@code libImaging/Resample.c}). A triangle kernel
 * whose support widens with the reduction factor (so a large photo is averaged, not sampled), its
 * weights normalised and rounded to {@value #PRECISION_BITS}-bit fixed point, each pass rounded and
 * clipped to 8 bits; horizontal pass first, then vertical.
 */
final class Resampler {

    /** Fixed-point precision of the weights: Pillow's {@code PRECISION_BITS = 32 - 8 - 2}. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    /** Rounding offset every accumulation starts from (one half in fixed point). */
    static final int HALF = 1 << (PRECISION_BITS - 1);

    private Resampler() {
    }

    /**
     * Weights of one pass from {@code in} samples to {@code out}: output {@code i} is
     * {@code sum_k src[first[i] + k] * weight[i * stride + k]} for {@code k < count[i]}, in fixed point.
     */
    record Kernel(int[] first, int[] count, int[] weights, int stride) {

        static Kernel of(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the bilinear filter's support is 1
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[out];
            int[] count = new int[out];
            int[] weights = new int[out * stride];
            double[] w = new double[stride];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(in, (int) (center + support + 0.5));
                int n = hi - lo;
                double total = 0;
                for (int x = 0; x < n; x++) {
                    w[x] = triangle((x + lo - center + 0.5) * ss);
                    total += w[x];
                }
                for (int x = 0; x < n; x++) {
                    double normalised = total != 0.0 ? w[x] / total : w[x];
                    weights[i * stride + x] = (int) (normalised < 0 ? -0.5 + normalised * (1 << PRECISION_BITS)
                            : 0.5 + normalised * (1 << PRECISION_BITS));
                }
                first[i] = lo;
                count[i] = n;
            }
            return new Kernel(first, count, weights, stride);
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }

    /** An accumulated fixed-point sum (started at {@link #HALF}) back to an 8-bit value. */
    static int clip8(int acc) {
        if (acc >= (255 << PRECISION_BITS)) {
            return 255;
        }
        return acc <= 0 ? 0 : acc >> PRECISION_BITS;
    }

    /** Resizes one 8-bit plane held whole (both passes, horizontal first); for tests and small images. */
    static byte[] resize(byte[] src, int srcW, int srcH, int dstW, int dstH) {
        Kernel kx = Kernel.of(srcW, dstW);
        Kernel ky = Kernel.of(srcH, dstH);
        byte[] rows = new byte[srcH * dstW];
        for (int y = 0; y < srcH; y++) {
            for (int x = 0; x < dstW; x++) {
                int acc = HALF;
                int base = y * srcW + kx.first[x];
                for (int k = 0; k < kx.count[x]; k++) {
                    acc += (src[base + k] & 0xff) * kx.weights[x * kx.stride + k];
                }
                rows[y * dstW + x] = (byte) clip8(acc);
            }
        }
        byte[] dst = new byte[dstW * dstH];
        for (int y = 0; y < dstH; y++) {
            for (int x = 0; x < dstW; x++) {
                int acc = HALF;
                for (int k = 0; k < ky.count[y]; k++) {
                    acc += (rows[(ky.first[y] + k) * dstW + x] & 0xff) * ky.weights[y * ky.stride + k];
                }
                dst[y * dstW + x] = (byte) clip8(acc);
            }
        }
        return dst;
    }
}
