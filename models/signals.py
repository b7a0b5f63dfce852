"""Embedding-space signals beside JEPA-SCORE, and their combination into one outlier score.

The Java service (src/main/java/dev/jepascore/score/) computes exactly these quantities; every
function here names its Java counterpart. float64 throughout.

  k-NN         distance from the embedding to its k-th nearest reference embedding
               (Euclidean, or cosine = 1 - cos angle); larger = more unusual
  Mahalanobis  sqrt((z - m)^T C^-1 (z - m)), m and C the mean and the Ledoit-Wolf shrunk
               covariance of the reference embeddings; larger = more unusual
  complexity   bytes of the 28x28 uint8 input deflated by zlib at level 9 (Serra et al. 2020,
               "Input complexity and out-of-distribution detection"); two-sided
  tail         probability of a value at least this extreme among held-out in-distribution
               images, read off the manifest's percentile table by linear interpolation
               (one-sided upper for distances, two-sided for JEPA-SCORE and complexity)
  combined     outlier score = Fisher's statistic -2 sum_i ln p_i over the signals' tail
               probabilities, placed among held-out in-distribution images by its own
               percentile table; chosen on development outliers over the smallest-p test with a
               Sidak correction and a max of robust z-scores (evaluate.py, EVALUATION.md).
  reasons      the signals whose own tail probability is at most REASON_TAIL; when an image is
               flagged by the sum of several moderate tails, the signal with the smallest one.
"""
import zlib

import numpy as np

# Percentile grid of every signal's calibration table: fine in the tails, where the tests live.
GRID = [0, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 12.5, 15, 20, 25, 30, 35,
        40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 87.5, 90, 91, 92, 93, 94, 95, 96, 97, 97.5, 98, 98.5, 99,
        99.25, 99.5, 99.75, 99.9, 99.95, 100]
SIGNALS = ["jepa", "knn", "mahalanobis", "complexity"]  # order of the manifest and the results
SIDES = {"jepa": 2, "knn": 1, "mahalanobis": 1, "complexity": 2}
KNN_K = 5  # chosen on the development outliers (k 1/5/10/20/50, EVALUATION.md)
KNN_METRIC = "euclidean"  # beat cosine at every k on the development outliers
REFERENCE_FILE = "reference.f32"
REASON_TAIL = 0.05  # a signal is named as a reason when it alone is in the 5% tail of held-out images
UNUSUAL_PERCENTILE = 95.0  # 'unusual': combined score above this percentile of held-out images (5%)
OUTLIER_PERCENTILE = 99.0  # 'outlier': above this one (1%)
DEFLATE_LEVEL = 9  # java.util.zip.Deflater(9), zlib.compress(..., 9): same zlib, same bytes


def ledoit_wolf(x):
    """Mean, shrunk covariance and shrinkage of the rows of x (Ledoit & Wolf 2004, target mu*I,
    mu = trace(S)/p, S the maximum-likelihood covariance). Java: EmbeddingStats.ledoitWolf."""
    x = np.asarray(x, dtype=np.float64)
    n, p = x.shape
    mean = x.mean(0)
    xc = x - mean
    s = xc.T @ xc / n
    mu = np.trace(s) / p
    delta = ((s - mu * np.eye(p)) ** 2).sum() / p
    row4 = ((xc ** 2).sum(1) ** 2).sum()
    beta = (row4 - n * (s ** 2).sum()) / (n * n * p)
    shrinkage = 0.0 if delta == 0 else min(beta, delta) / delta
    cov = (1 - shrinkage) * s + shrinkage * mu * np.eye(p)
    return mean, cov, float(shrinkage)


def mahalanobis(z, mean, cov):
    """Distance of each row of z to mean under cov. Java: MahalanobisScore."""
    d = np.asarray(z, dtype=np.float64) - mean
    chol = np.linalg.cholesky(cov)
    y = np.linalg.solve(chol, d.T)
    return np.sqrt((y ** 2).sum(0))


def knn_distance(ref, z, k, metric):
    """Distance from each row of z to its k-th nearest row of ref. Java: KnnScore."""
    ref = np.asarray(ref, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    out = []
    for i in range(0, len(z), 500):
        q = z[i:i + 500]
        if metric == "cosine":
            rn = ref / np.linalg.norm(ref, axis=1, keepdims=True)
            qn = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-300)
            d = 1.0 - qn @ rn.T
        else:
            d2 = (q ** 2).sum(1)[:, None] - 2 * q @ ref.T + (ref ** 2).sum(1)[None, :]
            d = np.sqrt(np.maximum(d2, 0))
        out.append(np.partition(d, k - 1, axis=1)[:, k - 1])
    return np.concatenate(out)


def complexity(u8):
    """Deflated size in bytes of each 28x28 uint8 image (row-major). Java: InputComplexity."""
    return np.array([len(zlib.compress(np.ascontiguousarray(im, dtype=np.uint8).tobytes(), DEFLATE_LEVEL))
                     for im in u8], dtype=np.float64)


def table(values, grid=GRID):
    """Calibration table: the values at the grid's percentiles (numpy's linear interpolation)."""
    return [float(v) for v in np.percentile(values, grid)]


def cdf(values, tab, grid=GRID):
    """Fraction (0-1) of calibration values below each value, by linear interpolation in the table;
    clamped to [0, 1] outside it. Java: SignalTable.cdf (same rule as Calibration.percentile)."""
    tab = np.asarray(tab, dtype=np.float64)
    g = np.asarray(grid, dtype=np.float64) / 100
    v = np.asarray(values, dtype=np.float64)
    out = np.empty(len(v))
    for i, x in enumerate(v):
        if x <= tab[0]:
            out[i] = g[0]
        elif x >= tab[-1]:
            out[i] = g[-1]
        else:
            hi = int(np.searchsorted(tab, x, side="right"))
            lo = hi - 1
            span = tab[hi] - tab[lo]
            t = (x - tab[lo]) / span if span > 0 else 0.5
            out[i] = g[lo] + t * (g[hi] - g[lo])
    return out


def tail(values, tab, sides, floor, grid=GRID):
    """Tail probability: 1 - F (upper, sides=1) or 2 min(F, 1-F) (sides=2), floored at `floor`
    (half a calibration image: the table cannot resolve smaller). Java: SignalTable.tail."""
    f = cdf(values, tab, grid)
    p = 1 - f if sides == 1 else 2 * np.minimum(f, 1 - f)
    return np.maximum(p, floor)


def combine_sidak(ps):
    """Alternative: -log10 of the Sidak-corrected smallest tail, 1 - (1 - p_min)^m (measured, not shipped)."""
    ps = np.asarray(ps, dtype=np.float64)
    m = ps.shape[0]
    pmin = ps.min(0)
    return -np.log10(-np.expm1(m * np.log1p(-pmin)))


def combine_fisher(ps):
    """The shipped outlier score from tail probabilities [m, N]: -2 sum ln p. Java: Verdict.outlierScore."""
    return -2 * np.log(np.asarray(ps, dtype=np.float64)).sum(0)


def reasons(tails, flagged):
    """Names of the signals behind a flag: tail <= REASON_TAIL, else the smallest; [] when typical.
    tails: {signal: p}. Java: Verdict.reasons."""
    if not flagged:
        return []
    names = [s for s in SIGNALS if s in tails and tails[s] <= REASON_TAIL]
    return names or [min((s for s in SIGNALS if s in tails), key=lambda s: tails[s])]


def write_reference(path, z):
    """Reference embeddings as float32 little-endian, row-major [count, dim]. Java: ReferenceSet.read."""
    np.ascontiguousarray(z, dtype="<f4").tofile(path)


def read_reference(path, count, dim):
    a = np.fromfile(path, dtype="<f4")
    if a.size != count * dim:
        raise ValueError(f"{path}: {a.size} floats, expected {count} x {dim}")
    return a.reshape(count, dim).astype(np.float64)


def raw_signals(u8, z, s, ref, gaussian):
    """Every signal's raw value for images u8 with embeddings z and JEPA-SCOREs s."""
    mean, cov = gaussian
    return {"jepa": np.asarray(s, dtype=np.float64), "knn": knn_distance(ref, z, KNN_K, KNN_METRIC),
            "mahalanobis": mahalanobis(z, mean, cov), "complexity": complexity(u8)}


def verdict(raw, sig):
    """Tail probabilities, outlier score, its percentile and label from the manifest's "signals"
    section `sig` (what the Java service reports)."""
    cal = sig["calibration"]
    floor = 0.5 / cal["count"]
    tails = {name: tail(raw[name], cal["values"][name], SIDES[name], floor, cal["percentiles"])
             for name in sig["combination"]["signals"]}
    score = combine_fisher([tails[n] for n in sig["combination"]["signals"]])
    comb = sig["combination"]
    pct = 100 * cdf(score, comb["scores"], comb["percentiles"])
    label = np.where(score > comb["outlier"]["score"], "outlier",
                     np.where(score > comb["unusual"]["score"], "unusual", "typical"))
    return tails, score, pct, label


# Equation (4): input transforms, by the manifest's names (Java: InputTransforms; the same pixel permutations)
TRANSFORMS = {"identity": lambda u: u, "h-flip": lambda u: u[:, :, ::-1],
              "shift-right-1": lambda u: np.roll(u, 1, axis=2), "shift-left-1": lambda u: np.roll(u, -1, axis=2)}


def average_over_transforms(per_transform):
    """-log mean_T exp(-score_T) of scores [T, N]. Java: InputTransforms.average."""
    s = np.asarray(per_transform, dtype=np.float64)
    return -(np.logaddexp.reduce(-s, axis=0) - np.log(len(s)))
