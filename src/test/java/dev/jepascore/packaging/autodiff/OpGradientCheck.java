package dev.jepascore.packaging.autodiff;

/** Error measures shared by the differentiator's tests. */
final class OpGradientCheck {

    private OpGradientCheck() {
    }

    /** max |a - b| over max |b| (the Jacobian's scale), so tiny entries do not dominate. */
    static double relativeError(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " and " + b.length);
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
