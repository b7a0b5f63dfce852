package dev.jepascore.score;

import dev.jepascore.result.ScoreResult;
import java.util.stream.IntStream;
import java.util.zip.Deflater;

import dev.jepascore.image.InputSpec;

/**
 * Input complexity (Serra et al. 2020, "Input complexity and out-of-distribution detection with
 * likelihood-based generative models"): the size in bytes of the model's input image, back in 8-bit
 * pixels ({@code round((x * std + mean) / scale)}, clamped to 0..255, C x H x W order), compressed
 * by zlib's deflate at a fixed level. Simple images (digits, blank pages) compress far better than
 * the training data, noisy ones far worse. models/signals.py computes the same bytes with Python's
 * zlib: both use the system zlib at level 9, so the sizes are equal (checked on the fixtures).
 */
public final class InputComplexity implements ScoringMethod {

    /**
     * {@code complexity}: two-sided (outliers land in both tails), computed when the package has a
     * {@code signals.complexity} section; shown as the deflated size in bytes.
     */
    public static final Signal SIGNAL = new Signal("complexity", 2, source -> source.section().complexity() == null
            ? null : new InputComplexity(source.input()),
            (raw, percentile) -> new ScoreResult.Complexity((int) Math.round(raw), percentile), false);

    /** Deflate level 9 (best compression), as {@code zlib.compress(data, 9)} in models/signals.py. */
    public static final int DEFLATE_LEVEL = 9;

    private final InputSpec spec;

    public InputComplexity(InputSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return SIGNAL.name();
    }

    @Override
    public double[] scores(ModelRun run) {
        double[] out = new double[run.count()];
        IntStream.range(0, run.count()).parallel().forEach(i -> out[i] = deflatedSize(toBytes(run.pixels(),
                i * run.inputSize(), spec)));
        return out;
    }

    /** The 8-bit pixels the normalised tensor came from, C x H x W. */
    static byte[] toBytes(float[] pixels, int offset, InputSpec spec) {
        int plane = spec.height() * spec.width();
        byte[] out = new byte[spec.size()];
        for (int c = 0; c < spec.channels(); c++) {
            double mean = spec.mean().get(c);
            double std = spec.std().get(c);
            for (int i = 0; i < plane; i++) {
                long v = Math.round((pixels[offset + c * plane + i] * std + mean) / spec.scale());
                out[c * plane + i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    /** Bytes of {@code data} deflated (zlib format) at {@link #DEFLATE_LEVEL}. */
    public static int deflatedSize(byte[] data) {
        Deflater deflater = new Deflater(DEFLATE_LEVEL);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] buffer = new byte[data.length + 64];
            int size = 0;
            while (!deflater.finished()) {
                size += deflater.deflate(buffer);
            }
            return size;
        } finally {
            deflater.end();
        }
    }
}
