"""Writes the images the test ViT (src/test/resources/onnx/autodiff/vit.onnx, torch nn.MultiheadAttention) is
packaged from by package-model in the tests, and their float64 JEPA-SCOREs by the paper's listing:

- src/test/resources/onnx/autodiff/vit-images/img-NN.png: 48 seeded 16x16 RGB images (smooth colour gradients
  plus blobs and a little noise, so the scores spread).
- src/test/resources/onnx/autodiff/vit-images-listing.json: for each file, the JEPA-SCORE of the module on the
  image preprocessed as package-model's --scale 0.00392156862745098 --mean 0.5 --std 0.25 make it
  ((pixel / 255 - 0.5) / 0.25, CHW), by torch.autograd.functional.jacobian in float64 + svdvals, clip 1e-6.

The module is rebuilt with make_test_encoders.py's seed (torch.manual_seed(1); Vit()), and checked against the
float64 scores stored beside vit.onnx before anything is written.

Run: /usr/bin/python3 models/tools/make_vit_package_images.py   (Debian's python3-torch 1.13, python3-pil)
"""
import json
import os

import numpy as np
import torch
from PIL import Image

import make_test_encoders as encoders

OUT = encoders.OUT
SCALE, MEAN, STD = 1 / 255.0, 0.5, 0.25


def images(count, seed=23):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:16, 0:16] / 15.0
    for i in range(count):
        img = np.zeros((16, 16, 3))
        for c in range(3):
            a, b, c0 = rng.normal(size=3)
            img[..., c] = 0.5 + 0.3 * (a * xx + b * yy - (a + b) / 2) + 0.1 * c0
        for _ in range(rng.integers(1, 4)):
            cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.1, 0.4)
            blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
            img += blob[..., None] * rng.normal(scale=0.3, size=3)
        img += rng.normal(scale=0.03, size=img.shape)
        yield np.clip(np.rint(img * 255), 0, 255).astype(np.uint8)


def main():
    torch.manual_seed(1)
    vit = encoders.Vit().eval().double()
    ref = json.load(open(os.path.join(OUT, "vit-reference.json")))
    for x, expected in zip(ref["inputs"], ref["jepaScores"]):
        got = encoders.listing(vit, torch.tensor(x, dtype=torch.float64).reshape(1, 3, 16, 16))
        assert abs(got - expected) < 1e-9 * abs(expected), (got, expected)
    folder = os.path.join(OUT, "vit-images")
    os.makedirs(folder, exist_ok=True)
    scores = []
    for i, pixels in enumerate(images(48)):
        name = "img-%02d.png" % i
        Image.fromarray(pixels, "RGB").save(os.path.join(folder, name))
        x = (torch.tensor(pixels, dtype=torch.float64).permute(2, 0, 1) * SCALE - MEAN) / STD
        scores.append({"file": name, "jepaScore": encoders.listing(vit, x.unsqueeze(0))})
    with open(os.path.join(OUT, "vit-images-listing.json"), "w") as f:
        json.dump({"method": "torch.autograd.functional.jacobian + torch.linalg.svdvals, float64, clip 1e-06, on "
                             "(pixel / 255 - 0.5) / 0.25 (models/tools/make_vit_package_images.py)",
                   "scores": scores}, f, indent=1)
    print("wrote", len(scores), "images; scores", min(s["jepaScore"] for s in scores), "..",
          max(s["jepaScore"] for s in scores))


if __name__ == "__main__":
    main()
