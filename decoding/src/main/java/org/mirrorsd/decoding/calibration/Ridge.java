package org.mirrorsd.decoding.calibration;

/**
 * Ridge regression toward the identity: the D x D matrix W minimising sum ||W x - y||^2 + lambda ||W - I||^2,
 * accumulated sample by sample in double precision and solved with a Cholesky factorisation.
 * Pulling W toward the identity means that with little data the head stays close to the plain early exit.
 */
public final class Ridge {
    private final int dim;
    private final double[] xtx;
    private final double[] ytx;
    private long samples;

    public Ridge(int dim) {
        this.dim = dim;
        this.xtx = new double[dim * dim];
        this.ytx = new double[dim * dim];
    }

    public long samples() { return samples; }

    /** Adds the pair (x, y), read from {@code x[xOff..]} and {@code y[yOff..]}. */
    public void add(float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < dim; i++) {
            double xi = x[xOff + i];
            double yi = y[yOff + i];
            if (xi == 0 && yi == 0) continue;
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                xtx[row + j] += xi * x[xOff + j];
                ytx[row + j] += yi * x[xOff + j];
            }
        }
        samples++;
    }

    /** W row-major (out = W x), with lambda = relativeLambda * mean diagonal of X^T X. */
    public float[] solve(double relativeLambda) {
        double trace = 0;
        for (int i = 0; i < dim; i++) trace += xtx[i * dim + i];
        double lambda = Math.max(1e-6, relativeLambda * trace / dim);
        double[] a = xtx.clone();
        double[] b = new double[dim * dim]; // B^T, where B = Y^T X + lambda I
        for (int i = 0; i < dim; i++) {
            a[i * dim + i] += lambda;
            for (int j = 0; j < dim; j++) b[j * dim + i] = ytx[i * dim + j] + (i == j ? lambda : 0);
        }
        cholesky(a);
        // Solve A Z = B^T column by column; W = Z^T.
        float[] w = new float[dim * dim];
        double[] col = new double[dim];
        for (int c = 0; c < dim; c++) {
            for (int i = 0; i < dim; i++) col[i] = b[i * dim + c];
            solveInPlace(a, col);
            for (int i = 0; i < dim; i++) w[c * dim + i] = (float) col[i];
        }
        return w;
    }

    /** In-place lower Cholesky factor L of a symmetric positive-definite matrix (upper part left unused). */
    private void cholesky(double[] a) {
        for (int j = 0; j < dim; j++) {
            double d = a[j * dim + j];
            for (int k = 0; k < j; k++) d -= a[j * dim + k] * a[j * dim + k];
            if (d <= 0) throw new IllegalStateException("calibration matrix is not positive definite");
            double l = Math.sqrt(d);
            a[j * dim + j] = l;
            for (int i = j + 1; i < dim; i++) {
                double s = a[i * dim + j];
                for (int k = 0; k < j; k++) s -= a[i * dim + k] * a[j * dim + k];
                a[i * dim + j] = s / l;
            }
        }
    }

    /** Solves L L^T z = v in place. */
    private void solveInPlace(double[] l, double[] v) {
        for (int i = 0; i < dim; i++) {
            double s = v[i];
            for (int k = 0; k < i; k++) s -= l[i * dim + k] * v[k];
            v[i] = s / l[i * dim + i];
        }
        for (int i = dim - 1; i >= 0; i--) {
            double s = v[i];
            for (int k = i + 1; k < dim; k++) s -= l[k * dim + i] * v[k];
            v[i] = s / l[i * dim + i];
        }
    }
}
