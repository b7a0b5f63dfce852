"""Reference fixtures for the Java golden tests: 28x28 8-bit grayscale PNGs (mode L) and
reference.json with JEPA-SCORE computed by the paper's listing in float64 from the pixels read
back from each PNG file, and the signals beside it (models/signals.py, float64: k-NN and
Mahalanobis distances of the float64 embedding to the package's reference set, deflated size,
tail probabilities, outlier score, its percentile, label and reasons).

  x = (pixels * scale - mean) / std     (float64; scale, mean, std from model.json)
  f = build_encoder().double()
  J = torch.autograd.functional.jacobian(lambda x: f(x).sum(0), x).reshape(K, 784)
  score = torch.linalg.svdvals(J).clamp_min(1e-6).log().sum()

Usage: /usr/bin/python3 models/fixtures.py
"""
import os
import shutil
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # many small LAPACK calls: threads only spin
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

torch = common.require_torch()
import oodsets  # noqa: E402
import signals  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

REAL = 26  # Fashion-MNIST test images 0..25 (all ten classes appear)
METHOD = "torch.autograd.functional.jacobian + torch.linalg.svdvals, float64, clip 1e-6"


def odd_images(xte):
    glyph_font = os.path.join(oodsets.FONT_ROOT, "dejavu", "DejaVuSans.ttf")
    return [
        ("odd-uniform-noise", "uniform noise 0..255 (seed 0)", oodsets.uniform_noise(1, 0)[0]),
        ("odd-all-black", "all pixels 0", np.zeros((28, 28), np.uint8)),
        ("odd-all-white", "all pixels 255", np.full((28, 28), 255, np.uint8)),
        ("odd-mid-gray", "all pixels 128", np.full((28, 28), 128, np.uint8)),
        ("odd-inverted-test-00000", "255 - test-00000", oodsets.inverted(xte[:1])[0]),
        ("odd-upside-down-test-00001", "test-00001 flipped vertically", oodsets.upside_down(xte[1:2])[0]),
        ("odd-noisy-test-00002", "test-00002 + Gaussian noise sigma 40 (seed 0)",
         oodsets.gaussian_noise(xte[2:3], 40, 0)[0]),
        ("odd-checkerboard", "4x4-pixel checkerboard", oodsets.checkerboard(4)),
        ("odd-glyph-7", "digit 7 rendered in DejaVu Sans, MNIST-style", oodsets.render_glyph("7", glyph_font)),
        ("odd-glyph-A", "letter A rendered in DejaVu Sans, MNIST-style", oodsets.render_glyph("A", glyph_font)),
        ("odd-photo-patch", "random crop of a python3-skimage sample photo (seed 0)", oodsets.photo_patches(1, 0)[0]),
    ]


def add_signals(manifest, fixtures, images):
    """The verdict fields of every fixture, from the float64 embedding and JEPA-SCORE."""
    sig = manifest["signals"]
    r = sig["reference"]
    ref = signals.read_reference(os.path.join(common.MODEL_DIR, r["file"]), r["count"], r["dim"])
    mean, cov, _ = signals.ledoit_wolf(ref)
    z = np.array([f["embedding"] for f in fixtures])
    s = np.array([f["jepaScore"] for f in fixtures])
    raw = signals.raw_signals(np.stack(images), z, s, ref, (mean, cov))
    tails, score, pct, label = signals.verdict(raw, sig)
    for i, f in enumerate(fixtures):
        t = {name: float(tails[name][i]) for name in tails}
        f["signals"] = {"knnDistance": float(raw["knn"][i]), "mahalanobisDistance": float(raw["mahalanobis"][i]),
                        "complexityBytes": int(raw["complexity"][i]), "tails": t}
        f["outlierScore"] = float(score[i])
        f["outlierPercentile"] = float(pct[i])
        f["outlierLabel"] = str(label[i])
        f["reasons"] = signals.reasons(t, label[i] != "typical")


def main():
    manifest_path = os.path.join(common.MODEL_DIR, "model.json")
    if not os.path.exists(manifest_path):
        common.die("model.json missing: run models/calibrate.py first")
    manifest = common.read_json(manifest_path)
    inp = manifest["input"]
    scale, mean, std = inp["scale"], inp["mean"][0], inp["std"][0]
    M = common.load_model_module()
    f = M.build_encoder().double()
    xte, yte = common.load_fmnist("test")

    items = [(f"test-{i:05d}", "in-distribution", common.LABELS[int(yte[i])], xte[i]) for i in range(REAL)]
    items += [(name, "odd", label, img) for name, label, img in odd_images(xte)]

    out_dir = os.path.join(common.MODEL_DIR, "fixtures")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    fixtures = []
    for name, kind, label, img in items:
        path = os.path.join(out_dir, name + ".png")
        Image.fromarray(np.ascontiguousarray(img, dtype=np.uint8), mode="L").save(path)
        back = Image.open(path)
        assert back.mode == "L" and back.size == (28, 28), (path, back.mode, back.size)
        pixels = torch.from_numpy(np.asarray(back, dtype=np.float64).copy()).reshape(1, 1, 28, 28)
        assert np.array_equal(np.asarray(back), img), path
        x = (pixels * scale - mean) / std
        score = common.jepa_score_listing(f, x).item()
        with torch.no_grad():
            z = f(x)[0]
        fixtures.append({"name": name, "file": name + ".png", "kind": kind, "label": label,
                         "jepaScore": score, "embedding": [float(v) for v in z]})
        print(f"{name:30s} {kind:16s} {score:12.6f}")
    add_signals(manifest, fixtures, [np.asarray(Image.open(os.path.join(out_dir, f["file"]))) for f in fixtures])
    # the scorer graph's math (float32 Jacobian, as scorer.onnx) against the float64 listing
    px = np.stack([np.asarray(Image.open(os.path.join(out_dir, f["file"]))) for f in fixtures])
    _, J = common.jacobians(M.build_encoder(), common.normalise(px))
    J = J.detach()
    s32 = common.scores_from_jacobian(J).numpy()
    diff = float(np.abs(s32 - np.array([f["jepaScore"] for f in fixtures])).max())
    smallest = float(torch.linalg.svdvals(J.double()).min())
    print(f"float32 scorer math vs float64 listing: max |diff| {diff:.2e}; smallest singular value {smallest:.2e}")
    if diff > 1e-4:
        common.die(f"float32 Jacobian scores differ from the float64 listing by {diff} (> 1e-4)")
    common.write_json(os.path.join(out_dir, "reference.json"),
                      {"method": METHOD, "eps": common.EPS, "model": common.MODEL_ID,
                       "input": {"scale": scale, "mean": mean, "std": std},
                       "embeddingPrecision": "float64 module on the same float64 input",
                       "float32ScorerMaxAbsDiff": diff, "smallestSingularValue": smallest,
                       "fixtures": fixtures})
    print(f"wrote {len(fixtures)} fixtures to {out_dir}")


if __name__ == "__main__":
    main()
