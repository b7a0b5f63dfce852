package dev.jepascore.score;

/**
 * JEPA-SCORE of any encoder from its forward graph alone (DESIGN.md, "Sketch"): m seeded
 * orthonormal directions v_j, {@code J v_j ~ (f(x + h v_j) - f(x - h v_j)) / 2h} by central finite
 * differences, all 2m perturbed copies of all images of a run pushed through the encoder in runs
 * of at most {@link #maxRunImages} images, then {@link SketchMath#score}. The directions depend
 * only on the seed, so the same image always gets the same score, and every image is measured
 * along the same directions (their errors share an offset, which does not change ranks).
 */
public final class SketchJepaScore implements ScoringMethod {

    /**
     * Input floats per encoder run (16 MiB of float32): bounds the perturbed batch, whatever the
     * image size. At D = 12288 (3x64x64) that is 341 perturbed images per run.
     */
    public static final int MAX_RUN_FLOATS = 1 << 22;

    private final Encoder encoder;
    private final int k;
    private final int d;
    private final int m;
    private final double step;
    private final double eps;
    private final int maxRunImages;
    private final long seed;
    /** The m directions, row-major {@code [m, D]}: given, or made on first use (a QR of D x m, O(D m^2)). */
    private volatile float[] directions;

    /**
     * @param encoder      the forward pass
     * @param k            embedding size K
     * @param d            input size D (C x H x W)
     * @param m            directions, K <= m <= D
     * @param step         finite-difference step h, in normalised input units (each direction has norm 1)
     * @param seed         seed of the directions
     * @param eps          the clip on singular values
     * @param maxRunImages most images per encoder run (1 for graphs whose batch axis is fixed at 1)
     */
    public SketchJepaScore(Encoder encoder, int k, int d, int m, double step, long seed, double eps, int maxRunImages) {
        this(encoder, k, d, m, step, seed, eps, maxRunImages, null);
    }

    /**
     * As above with the directions given ({@code [m * D]}, as {@link #directionVectors()} returns them for the same
     * seed, e.g. read from the package), or null to make them on first use: a package's directions are never
     * orthonormalised at start-up.
     */
    public SketchJepaScore(Encoder encoder, int k, int d, int m, double step, long seed, double eps, int maxRunImages,
            float[] directions) {
        SketchMath.checkDirections(k, m, d);
        if (directions != null && directions.length != (long) m * d) {
            throw new IllegalArgumentException("sketch directions hold " + directions.length + " values; m x D = "
                    + (long) m * d);
        }
        if (!(step > 0)) {
            throw new IllegalArgumentException("sketch step must be positive, found " + step);
        }
        this.encoder = encoder;
        this.k = k;
        this.d = d;
        this.m = m;
        this.step = step;
        this.eps = eps;
        this.maxRunImages = Math.max(1, Math.min(maxRunImages, MAX_RUN_FLOATS / d));
        this.seed = seed;
        this.directions = directions;
    }

    /** The m orthonormal directions, row-major {@code [m * D]} float32 (made now if not yet). */
    public float[] directionVectors() {
        float[] v = directions;
        if (v == null) {
            synchronized (this) {
                v = directions;
                if (v == null) {
                    double[] q = SketchMath.orthonormalDirections(d, m, seed);
                    v = new float[q.length];
                    for (int i = 0; i < q.length; i++) {
                        v[i] = (float) q[i];
                    }
                    directions = v;
                }
            }
        }
        return v;
    }

    @Override
    public String name() {
        return "jepa";
    }

    public int directions() {
        return m;
    }

    /** Encoder forward passes per image: 2m. */
    public int forwardPassesPerImage() {
        return 2 * m;
    }

    /**
     * Raw scores in batch order; NaN for an image whose perturbed encoder outputs are not all finite
     * (the caller reports it; the other images are unaffected).
     */
    @Override
    public double[] scores(ModelRun run) {
        if (run.inputSize() != d) {
            throw new IllegalArgumentException("the run's images hold " + run.inputSize() + " values, the sketch was "
                    + "built for D=" + d);
        }
        int n = run.count();
        float[] vectors = directionVectors();
        long rows = (long) n * 2 * m;
        double[] jv = new double[n * k * m];
        float[] pixels = run.pixels();
        float h = (float) step;
        for (long first = 0; first < rows; first += maxRunImages) {
            int b = (int) Math.min(maxRunImages, rows - first);
            float[] batch = new float[b * d];
            for (int r = 0; r < b; r++) {
                long row = first + r;
                int image = (int) (row / (2 * m));
                int j = (int) (row % (2 * m)) / 2;
                float sign = row % 2 == 0 ? h : -h;
                int src = image * d;
                int dir = j * d;
                int dst = r * d;
                for (int i = 0; i < d; i++) {
                    batch[dst + i] = pixels[src + i] + sign * vectors[dir + i];
                }
            }
            float[] out = encoder.embed(batch, b);
            if (out.length != b * k) {
                throw new IllegalStateException("the encoder returned " + out.length + " values for " + b
                        + " images; expected " + b + " x K=" + k);
            }
            for (int r = 0; r < b; r++) {
                long row = first + r;
                int image = (int) (row / (2 * m));
                int j = (int) (row % (2 * m)) / 2;
                double sign = row % 2 == 0 ? 1 : -1;
                for (int c = 0; c < k; c++) {
                    jv[image * k * m + c * m + j] += sign * out[r * k + c] / (2 * step);
                }
            }
        }
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = finite(jv, i * k * m, k * m) ? SketchMath.score(jv, i * k * m, k, m, d, eps) : Double.NaN;
        }
        return scores;
    }

    private static boolean finite(double[] values, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            if (!Double.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }
}
