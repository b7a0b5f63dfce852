"""Write models/fmnist-lejepa/model.json: input spec, tensor names, K, calibration percentiles of
JEPA-SCORE on the 5000 held-out training images (never trained on), thresholds, embedding
reference statistics and provenance. evaluate.py later refreshes calibration.rationale with the
measured AUROCs.

Usage: /usr/bin/python3 models/calibrate.py
"""
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # many small LAPACK calls: threads only spin
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import signals  # noqa: E402

torch = common.require_torch()
import numpy as np  # noqa: E402

PERCENTILES = [0, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99, 99.5, 99.9, 100]
# Two-sided bands of 5% ('unusual') and 1% ('outlier') of held-out images, leaning to the HIGH
# tail: on this model most OOD sets score higher than the training data (EVALUATION.md, "Where
# to put the band": the symmetric 2.5/97.5 split flagged fewer OOD images than test images),
# while inverted images score lower, so a thin low tail is kept.
UNUSUAL = (0.5, 95.5)
OUTLIER = (0.1, 99.1)
DEFAULT_RATIONALE = (
    "Two-sided, because out-of-distribution images can land in either tail of the JEPA-SCORE "
    "distribution. 'unusual' flags 5% of held-out in-distribution images (outside the 0.5/95.5 "
    "percentiles), 'outlier' 1% (0.1/99.1). Placeholder until models/evaluate.py writes the "
    "measured version.")


def calibration_stats(model, u8):
    z, s = common.embed_and_score(model, u8)
    return z, s


def pct(values, q):
    """Linear-interpolation percentile(s) (numpy's default, as Java's calibration reads them)."""
    r = np.percentile(values, q)
    return float(r) if np.ndim(r) == 0 else [float(v) for v in r]


def build_signals(xho, z, s):
    """The reference set (written beside model.json) and the "signals" section of the manifest:
    k-NN, Mahalanobis and input complexity calibrated with JEPA-SCORE on the held-out images that
    are not in the reference set, and the combined outlier score's table and thresholds."""
    ref_u8, cal_u8 = common.holdout_split(xho)
    n_ref = len(ref_u8)
    ref = z[:n_ref].astype(np.float32).astype(np.float64)  # exactly what Java reads back
    signals.write_reference(os.path.join(common.MODEL_DIR, signals.REFERENCE_FILE), ref)
    mean, cov, shrinkage = signals.ledoit_wolf(ref)
    raw = signals.raw_signals(cal_u8, z[n_ref:], s[n_ref:], ref, (mean, cov))
    n_cal = len(cal_u8)
    section = {
        "reference": {"file": signals.REFERENCE_FILE, "format": "float32-le", "count": n_ref, "dim": int(z.shape[1]),
                      "set": "Fashion-MNIST training images 55000-%d (held out, not trained on; not the "
                             "calibration images)" % (55000 + n_ref - 1)},
        "knn": {"k": signals.KNN_K, "metric": signals.KNN_METRIC},
        "mahalanobis": {"shrinkage": "ledoit-wolf", "shrinkageValue": shrinkage},
        "complexity": {"deflateLevel": signals.DEFLATE_LEVEL},
        "calibration": {"set": "Fashion-MNIST training images %d-59999 (held out, not trained on, not in "
                               "the reference set)" % (55000 + n_ref),
                        "count": n_cal, "percentiles": signals.GRID,
                        "values": {name: signals.table(raw[name]) for name in signals.SIGNALS}},
    }
    floor = 0.5 / n_cal
    tails = [signals.tail(raw[name], section["calibration"]["values"][name], signals.SIDES[name], floor)
             for name in signals.SIGNALS]
    score = signals.combine_fisher(tails)
    section["combination"] = {
        "method": "fisher", "signals": signals.SIGNALS, "reasonTail": signals.REASON_TAIL,
        "percentiles": signals.GRID, "scores": signals.table(score),
        "unusual": {"percentile": signals.UNUSUAL_PERCENTILE, "score": pct(score, signals.UNUSUAL_PERCENTILE)},
        "outlier": {"percentile": signals.OUTLIER_PERCENTILE, "score": pct(score, signals.OUTLIER_PERCENTILE)},
    }
    print(f"reference set {n_ref} x {z.shape[1]}; Ledoit-Wolf shrinkage {shrinkage:.5f}; outlier score "
          f"unusual > {section['combination']['unusual']['score']:.3f}, outlier > "
          f"{section['combination']['outlier']['score']:.3f}")
    return section


def main():
    ck = os.path.join(common.MODEL_DIR, "encoder.pt")
    check_path = os.path.join(common.MODEL_DIR, "export_check.json")
    if not os.path.exists(check_path):
        common.die("export_check.json missing: run models/export.py first")
    check = common.read_json(check_path)
    M = common.load_model_module()
    model = M.build_encoder(ck)
    state = torch.load(ck, map_location="cpu")
    train = state.get("train", {})
    _, (xho, _), _ = common.splits()
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--transforms", default="",
                    help="Equation (4): comma-separated transforms besides identity to average JEPA-SCORE over "
                         "(h-flip, shift-right-1, shift-left-1); written to model.json 'transforms'. Default: off")
    args = ap.parse_args()
    transforms = ["identity"] + [t for t in args.transforms.split(",") if t] if args.transforms else []
    for t in transforms:
        if t not in signals.TRANSFORMS:
            common.die(f"unknown transform {t}; expected some of {sorted(signals.TRANSFORMS)}")
    z, s = calibration_stats(model, xho)
    if transforms:
        s = signals.average_over_transforms([common.embed_and_score(model, np.ascontiguousarray(
            signals.TRANSFORMS[t](xho)))[1] for t in transforms])
    scores = pct(s, PERCENTILES)
    norms = np.linalg.norm(z, axis=1)
    signal_section = build_signals(xho, z, s)
    old_path = os.path.join(common.MODEL_DIR, "model.json")
    old = common.read_json(old_path) if os.path.exists(old_path) else {}
    rationale = old.get("calibration", {}).get("rationale", DEFAULT_RATIONALE)
    old_thr = old.get("calibration", {}).get("thresholds", {}).get("unusual", {})
    if (old_thr.get("lowPercentile"), old_thr.get("highPercentile")) != UNUSUAL:
        rationale = DEFAULT_RATIONALE  # the bands changed: evaluate.py rewrites it from new numbers
    cfg = model.config
    manifest = {
        "id": common.MODEL_ID,
        "version": "1.0.0",
        "description": "LeJEPA-trained patchify-MLP encoder for 28x28 grayscale images "
                       "(Fashion-MNIST), K=%d, with an exact Jacobian scorer graph" % cfg["k"],
        "input": {"channels": 1, "height": 28, "width": 28, "resize": "bilinear",
                  "colour": "luma-601", "alpha": "black", "orientation": "exif",
                  "reference": common.INPUT_REFERENCE,
                  "scale": common.SCALE, "mean": [common.MEAN], "std": [common.STD]},
        "encoder": {"file": "encoder.onnx", "input": "pixels", "output": "embedding"},
        "scorer": {"file": "scorer.onnx", "input": "pixels", "embedding": "embedding",
                   "output": "jacobian", "kind": "jacobian"},
        "embeddingDim": cfg["k"],
        "eps": common.EPS,
        "calibration": {
            "set": "Fashion-MNIST training split images 55000-59999 (held out, not used in training)",
            "count": int(len(s)),
            "percentiles": PERCENTILES,
            "scores": scores,
            "thresholds": {
                "unusual": {"lowPercentile": UNUSUAL[0], "highPercentile": UNUSUAL[1],
                            "low": pct(s, UNUSUAL[0]), "high": pct(s, UNUSUAL[1])},
                "outlier": {"lowPercentile": OUTLIER[0], "highPercentile": OUTLIER[1],
                            "low": pct(s, OUTLIER[0]), "high": pct(s, OUTLIER[1])},
            },
            "rationale": rationale,
            "method": "scorer graph's float32 Jacobian, singular values in float64, clip 1e-6",
            **({"transforms": transforms} if transforms else {}),
        },
        **({"transforms": transforms} if transforms else {}),
        "signals": signal_section,
        "embeddingReference": {
            "set": "same held-out images as calibration",
            "count": int(len(z)),
            "mean": [float(v) for v in z.mean(0)],
            "std": [float(v) for v in z.std(0)],
            "normPercentiles": {"percentiles": PERCENTILES, "values": pct(norms, PERCENTILES)},
        },
        "provenance": {
            "dataset": "Fashion-MNIST (Debian package dataset-fashion-mnist): training images 0-54999",
            "recipe": ("LeJEPA: %d global views (crop area %s) + %d local views (crop area %s), "
                       "rotation +-10 deg, h-flip, contrast/brightness jitter; predictive loss to the "
                       "mean global-view embedding; SIGReg (Epps-Pulley, 256 random slices, 17 knots "
                       "on [0,3]) with weight lambda=%s; AdamW lr %s wd %s, batch %s, cosine schedule"
                       % (train.get("global_views"), train.get("global_scale"), train.get("local_views"),
                          train.get("local_scale"), train.get("lam"), train.get("lr"), train.get("wd"),
                          train.get("batch"))),
            "architecture": ("4x4 patchify stem Linear(16,%d)+SiLU -> flatten %d -> %d x [Linear(%d)+SiLU] "
                             "-> Linear(%d,%d)" % (cfg["channels"], 49 * cfg["channels"], cfg["depth"],
                                                   cfg["hidden"], cfg["hidden"], cfg["k"])),
            "epochs": train.get("epochs"),
            "seed": train.get("seed"),
            "trainingSeconds": train.get("seconds"),
            "torch": "1.13.1",
            "torchVersionString": torch.__version__,
            "onnxOpset": check["opset"],
            "flopsPerScore": check["flopsPerScore"]["jacobianGemm"],
            "flopsPerScoreDetail": check["flopsPerScore"],
            "exportCheck": {k: check[k] for k in ("tolerance", "encoderEmbeddingRel", "scorerEmbeddingRel",
                                                   "scorerJacobianRel", "scorerJacobianVsAutogradFloat64Rel",
                                                   "torchJacobianVsAutogradFloat64")},
            "rebuild": "models/build.sh",
        },
    }
    common.write_json(old_path, manifest)
    np.save(os.path.join(common.WORK, "holdout_scores.npy"), s)
    print(f"wrote {old_path}: calibration median {scores[10]:.3f}, "
          f"unusual [{manifest['calibration']['thresholds']['unusual']['low']:.3f}, "
          f"{manifest['calibration']['thresholds']['unusual']['high']:.3f}]")


if __name__ == "__main__":
    main()
