package dev.jepascore.packaging.autodiff;

import java.util.List;

import dev.jepascore.model.GraphRunner;

/**
 * The Jacobian of an encoder at one image by central differences along every input coordinate,
 * {@code (f(x + h e_j) - f(x - h e_j)) / 2h}, the perturbed copies run in batches: the independent check
 * of a differentiated graph (DESIGN.md: "check each rule against central differences").
 */
public final class CentralDifferences {

    /** Perturbed copies per encoder run. */
    private static final int BATCH = 64;

    private CentralDifferences() {
    }

    /** J {@code [K, D]} row-major at {@code image} (D values), step {@code h}, float64 when {@code doubles}. */
    public static double[] jacobian(GraphRunner encoder, String input, String output, long[] chw, double[] image,
            double h, boolean doubles) {
        return jacobian(encoder, input, output, chw, image, h, doubles,
                java.util.stream.IntStream.range(0, image.length).toArray());
    }

    /** The columns {@code columns} of J: {@code [K, columns.length]} row-major. */
    public static double[] jacobian(GraphRunner encoder, String input, String output, long[] chw, double[] image,
            double h, boolean doubles, int[] columns) {
        int d = image.length;
        int c = columns.length;
        double[] jac = null;
        int k = 0;
        for (int from = 0; from < c; from += BATCH / 2) {
            int count = Math.min(BATCH / 2, c - from);
            double[] x = new double[2 * count * d];
            for (int i = 0; i < count; i++) {
                System.arraycopy(image, 0, x, (2 * i) * d, d);
                System.arraycopy(image, 0, x, (2 * i + 1) * d, d);
                x[(2 * i) * d + columns[from + i]] += h;
                x[(2 * i + 1) * d + columns[from + i]] -= h;
            }
            long[] shape = new long[chw.length + 1];
            shape[0] = 2L * count;
            System.arraycopy(chw, 0, shape, 1, chw.length);
            double[] y = encoder.run(input, x, shape, doubles, List.of(output)).get(output).reals();
            if (jac == null) {
                k = y.length / (2 * count);
                jac = new double[k * c];
            }
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < k; j++) {
                    jac[j * c + from + i] = (y[(2 * i) * k + j] - y[(2 * i + 1) * k + j]) / (2 * h);
                }
            }
        }
        return jac;
    }

    /** max |a - b| over max |b|: the error against the Jacobian's own scale. */
    public static double relativeError(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Jacobians of " + a.length + " and " + b.length + " values");
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / Math.max(scale, 1e-300);
    }
}
