package dev.jepascore.image;

/**
 * Resizes an image fed one stored row at a time to the model's size, upright, with exactly the
 * reference arithmetic ({@link Resampler}: Pillow's bilinear resize of the image after
 * {@code exif_transpose}). Only a few model-sized buffers are kept: for an upright or flipped image
 * the horizontal pass turns each arriving row into {@code dstW} values ({@code srcH x dstW} bytes);
 * for a transposed one the first pass runs down the stored columns and accumulates
 * {@code dstW x srcW} sums. The full-resolution image is never held.
 */
final class RowResizer {

    private final int srcW;
    private final int srcH;
    private final int dstW;
    private final int dstH;
    private final int channels;
    private final Orientation orientation;
    /** First-pass kernel in stored coordinates (stored x, or stored y when transposed). */
    private final Resampler.Kernel first;
    /** Second-pass kernel: over upright y when not transposed, else over stored x. */
    private final Resampler.Kernel second;
    /** Upright/flipped: first-pass rows [channel][uprightY * dstW + j]. */
    private final byte[][] rows;
    /** Transposed: first-pass sums [channel][j * srcW + storedX]. */
    private final int[][] sums;
    /** The first kernel's arrays, held in fields of their own for the per-row loops. */
    private final int[] firstLo;
    private final int[] firstCount;
    private final int[] firstWeights;
    private final int firstStride;
    /**
     * The row being given, as {@code int} planes (channel c's values at {@code c * srcW}): each output of the first
     * pass is then a dot product of two contiguous {@code int} runs, which the JIT turns into vector instructions.
     */
    private final int[] planar;
    private int received;

    /**
     * @param channels    interleaved 8-bit values per pixel of the rows given to {@link #row}
     * @param orientation how the stored image is turned upright; dstW x dstH is the upright size
     */
    RowResizer(int srcW, int srcH, int dstW, int dstH, int channels, Orientation orientation) {
        this.srcW = srcW;
        this.srcH = srcH;
        this.dstW = dstW;
        this.dstH = dstH;
        this.channels = channels;
        this.orientation = orientation;
        if (orientation.transpose) {
            // upright x runs along stored y, upright y along stored x
            first = stored(Resampler.Kernel.of(srcH, dstW), srcH, orientation.flipY);
            second = stored(Resampler.Kernel.of(srcW, dstH), srcW, orientation.flipX);
            rows = null;
            sums = new int[channels][dstW * srcW];
            for (int[] s : sums) {
                java.util.Arrays.fill(s, Resampler.HALF);
            }
        } else {
            first = stored(Resampler.Kernel.of(srcW, dstW), srcW, orientation.flipX);
            second = Resampler.Kernel.of(srcH, dstH); // over upright y: rows are stored by upright y
            rows = new byte[channels][srcH * dstW];
            sums = null;
        }
        firstLo = first.first();
        firstCount = first.count();
        firstWeights = first.weights();
        firstStride = first.stride();
        planar = new int[channels * srcW];
    }

    /** Bytes this resizer holds, besides the caller's row: the bound on its memory. */
    static long bufferBytes(int srcW, int srcH, int dstW, int channels, Orientation orientation) {
        long planes = 4L * channels * srcW;
        return planes + (orientation.transpose ? 4L * channels * dstW * srcW : (long) channels * srcH * dstW);
    }

    /** Rows given so far. */
    int received() {
        return received;
    }

    /** The next stored row (rows arrive top to bottom): {@code srcW * channels} interleaved values from offset. */
    void row(byte[] data, int offset) {
        int[] p = planar;
        int n = srcW;
        int ch = channels;
        for (int c = 0; c < ch; c++) {
            for (int x = 0, i = offset + c, o = c * n; x < n; x++, i += ch) {
                p[o + x] = data[i] & 0xff;
            }
        }
        rowWritten();
    }

    /**
     * Where the next stored row may be written instead of given to {@link #row}: channel {@code c}'s {@code srcW}
     * 8-bit values (0-255) from {@code c * srcW}; then call {@link #rowWritten}.
     */
    int[] nextRow() {
        return planar;
    }

    /** Takes the row written into {@link #nextRow}. */
    void rowWritten() {
        int sy = received++;
        int[] data = planar;
        if (orientation.transpose) {
            accumulate(data, sy);
            return;
        }
        int at = (orientation.flipY ? srcH - 1 - sy : sy) * dstW;
        int[] lo = firstLo;
        int[] count = firstCount;
        int[] w = firstWeights;
        int stride = firstStride;
        int outW = dstW;
        for (int c = 0; c < channels; c++) {
            byte[] out = rows[c];
            int plane = c * srcW;
            for (int j = 0; j < outW; j++) {
                out[at + j] = (byte) Resampler.clip8(dot(data, plane + lo[j], w, j * stride, count[j]));
            }
        }
    }

    /** {@link Resampler#HALF} plus the sum of {@code n} values times their fixed-point weights. */
    private static int dot(int[] data, int from, int[] w, int wFrom, int n) {
        int acc = Resampler.HALF;
        for (int k = 0; k < n; k++) {
            acc += data[from + k] * w[wFrom + k];
        }
        return acc;
    }

    private void accumulate(int[] data, int sy) {
        int[] lo = firstLo;
        int[] n = firstCount;
        int n0 = srcW;
        for (int j = 0; j < dstW; j++) {
            int k = sy - lo[j];
            if (k < 0 || k >= n[j]) {
                continue;
            }
            int w = firstWeights[j * firstStride + k];
            if (w == 0) {
                continue;
            }
            int base = j * n0;
            for (int c = 0; c < channels; c++) {
                int[] s = sums[c];
                for (int x = 0, i = c * n0; x < n0; x++, i++) {
                    s[base + x] += data[i] * w;
                }
            }
        }
    }

    /** The upright dstW x dstH result, one plane per channel; every stored row must have been given. */
    byte[][] finish() {
        if (received != srcH) {
            throw new IllegalStateException("resizer got " + received + " of " + srcH + " rows");
        }
        byte[][] out = new byte[channels][dstW * dstH];
        int[] w = second.weights();
        for (int c = 0; c < channels; c++) {
            if (orientation.transpose) {
                byte[] tmp = new byte[dstW * srcW];
                for (int i = 0; i < tmp.length; i++) {
                    tmp[i] = (byte) Resampler.clip8(sums[c][i]);
                }
                for (int i = 0; i < dstH; i++) {
                    for (int j = 0; j < dstW; j++) {
                        int acc = Resampler.HALF;
                        int base = j * srcW + second.first()[i];
                        for (int k = 0; k < second.count()[i]; k++) {
                            acc += (tmp[base + k] & 0xff) * w[i * second.stride() + k];
                        }
                        out[c][i * dstW + j] = (byte) Resampler.clip8(acc);
                    }
                }
            } else {
                for (int i = 0; i < dstH; i++) {
                    for (int j = 0; j < dstW; j++) {
                        int acc = Resampler.HALF;
                        int base = second.first()[i] * dstW + j;
                        for (int k = 0; k < second.count()[i]; k++) {
                            acc += (rows[c][base + k * dstW] & 0xff) * w[i * second.stride() + k];
                        }
                        out[c][i * dstW + j] = (byte) Resampler.clip8(acc);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The kernel over upright positions 0..n-1 re-expressed over stored positions: unchanged, or
     * for a flipped axis each window mirrored (upright p is stored n-1-p) with its weights reversed.
     * Integer sums do not depend on the order of their terms, so the result is the reference's.
     */
    private static Resampler.Kernel stored(Resampler.Kernel k, int n, boolean flip) {
        if (!flip) {
            return k;
        }
        int out = k.first().length;
        int[] first = new int[out];
        int[] weights = new int[k.weights().length];
        for (int i = 0; i < out; i++) {
            int c = k.count()[i];
            first[i] = n - k.first()[i] - c;
            for (int j = 0; j < c; j++) {
                weights[i * k.stride() + j] = k.weights()[i * k.stride() + c - 1 - j];
            }
        }
        return new Resampler.Kernel(first, k.count().clone(), weights, k.stride());
    }
}
