"""Development outliers: used ONLY to choose how the signals are combined (and k, the metric),
never reported as results. Deliberately different from the reported OOD sets of evaluate.py:
other characters (symbols, not digits or letters), other transforms (quarter turn, salt-and-pepper,
coarse pixelation, darkening — not Gaussian noise, flips or inversion), other pictures (crops of
python3-skimage images that are NOT in oodsets.PHOTOS, smooth random fields, drawn shapes).
Transforms are applied to held-out calibration images, never to the test images.
"""
import os

import numpy as np
from PIL import Image, ImageDraw

import oodsets

SYMBOLS = "#$%&@*+=?!<>{}[]()/|~^"
OTHER_PICTURES = ["microaneurysms.png", "phantom.png", "block.png", "palette_gray.png"]


def symbols(n, seed):
    return oodsets.glyphs(SYMBOLS, n, seed)


def quarter_turn(u8):
    return np.rot90(u8, 1, axes=(1, 2)).copy()


def salt_pepper(u8, frac, seed):
    rng = np.random.default_rng(seed)
    out = u8.copy()
    m = rng.random(u8.shape)
    out[m < frac / 2] = 0
    out[m > 1 - frac / 2] = 255
    return out


def pixelated(u8, cell=4):
    small = u8.reshape(len(u8), 28 // cell, cell, 28 // cell, cell).mean((2, 4))
    return np.repeat(np.repeat(small, cell, 1), cell, 2).round().astype(np.uint8)


def darkened(u8, factor=0.35):
    return (u8.astype(np.float64) * factor).round().astype(np.uint8)


def other_picture_patches(n, seed):
    rng = np.random.default_rng(seed)
    d = oodsets._skimage_dir()
    imgs = [Image.open(os.path.join(d, p)).convert("L") for p in OTHER_PICTURES if os.path.exists(os.path.join(d, p))]
    out = []
    for _ in range(n):
        im = imgs[rng.integers(len(imgs))]
        w, h = im.size
        side = int(rng.integers(min(16, min(w, h)), max(min(w, h) // 2, 17)))
        side = min(side, w, h)
        x0, y0 = int(rng.integers(0, w - side + 1)), int(rng.integers(0, h - side + 1))
        out.append(np.asarray(im.crop((x0, y0, x0 + side, y0 + side)).resize((28, 28), Image.BILINEAR)))
    return np.stack(out).astype(np.uint8)


def smooth_fields(n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        c = rng.normal(size=(7, 7))
        im = Image.fromarray(((c - c.min()) / (np.ptp(c) or 1) * 255).astype(np.uint8)).resize((28, 28), Image.BICUBIC)
        out.append(np.asarray(im))
    return np.stack(out).astype(np.uint8)


def shapes(n, seed):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        im = Image.new("L", (28, 28), 0)
        dr = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(1, 4))):
            x0, y0 = rng.integers(0, 20, 2)
            x1, y1 = x0 + rng.integers(4, 14), y0 + rng.integers(4, 14)
            box = [int(x0), int(y0), int(x1), int(y1)]
            fill = int(rng.integers(80, 256))
            (dr.ellipse if rng.random() < 0.5 else dr.rectangle)(box, fill=fill)
        out.append(np.asarray(im))
    return np.stack(out).astype(np.uint8)


def dev_sets(held_out, n=500):
    """[(name, uint8 [N,28,28])]; held_out: in-distribution calibration images to transform."""
    rng = np.random.default_rng(101)
    sub = held_out[rng.choice(len(held_out), min(n, len(held_out)), replace=False)]
    return [
        ("dev-symbols", symbols(n, 102)),
        ("dev-quarter-turn", quarter_turn(sub)),
        ("dev-salt-pepper", salt_pepper(sub, 0.08, 103)),
        ("dev-pixelated", pixelated(sub)),
        ("dev-darkened", darkened(sub)),
        ("dev-other-pictures", other_picture_patches(n, 104)),
        ("dev-smooth-fields", smooth_fields(n, 105)),
        ("dev-shapes", shapes(n, 106)),
    ]
