"""Exact JEPA-SCORE of photo-vit images with the paper's listing, for checking the sketch.

torch.autograd.functional.jacobian of the float64 encoder at each image, torch.linalg.svdvals,
sum of log max(sigma, 1e-6). Images are preprocessed as model.json says (PNG 64x64 RGB,
(pixel * scale - mean) / std per channel). Writes models/photo-vit/exact_check.json; the Java
benchmark PackageSketchBenchmark compares the function's sketch scores of the same files with it.

Usage: /usr/bin/python3 models/vit/exact_scores.py [--images DIR] [--count 200]
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TORCH_THREADS", "1")
import common  # noqa: E402

torch = common.require_torch()
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from model import ViTEncoder  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", default=os.path.join(common.MODELS, "photo-vit"))
    ap.add_argument("--checkpoint", default=os.path.join(common.WORK, "photo-vit", "encoder.pt"))
    ap.add_argument("--images", default=os.path.join(common.WORK, "photo-vit", "images"))
    ap.add_argument("--count", type=int, default=200)
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(args.package, "model.json")))
    spec = manifest["input"]
    state = torch.load(args.checkpoint, map_location="cpu")
    model = ViTEncoder(**state["config"])
    model.load_state_dict(state["state_dict"])
    model = model.double().eval()
    mean = np.array(spec["mean"]).reshape(3, 1, 1)
    std = np.array(spec["std"]).reshape(3, 1, 1)
    files = sorted(os.listdir(args.images))[:args.count]
    out = []
    t0 = time.time()
    for name in files:
        px = np.asarray(Image.open(os.path.join(args.images, name)).convert("RGB"), dtype=np.float64)
        x = torch.from_numpy(((px.transpose(2, 0, 1) * spec["scale"] - mean) / std)[None])
        j = torch.autograd.functional.jacobian(lambda v: model(v)[0], x).reshape(manifest["embeddingDim"], -1)
        s = torch.linalg.svdvals(j).clamp(min=manifest["eps"]).log().sum().item()
        out.append({"file": name, "jepaScore": s})
    check = {"method": "torch.autograd.functional.jacobian + torch.linalg.svdvals, float64, clip %g" % manifest["eps"],
             "images": "first %d files (sorted) of models/vit/make_images.py --count 700" % len(files),
             "seconds": round(time.time() - t0, 1), "scores": out}
    with open(os.path.join(args.package, "exact_check.json"), "w") as f:
        json.dump(check, f, indent=1)
    print("wrote", len(out), "exact scores in", check["seconds"], "s")


if __name__ == "__main__":
    main()
