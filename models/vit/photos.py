"""Colour photographs shipped by Debian packages, cut into 64x64 crops.

Sources (all photographs; drawings, logos and abstract wallpapers left out):
  mate-backgrounds   /usr/share/backgrounds/mate/nature/*.jpg  (12 nature photographs)
  ukui-wallpapers    /usr/share/backgrounds/{calla,city,desert,goldfish}.png
  python3-skimage    skimage/data/{astronaut,chelsea,coffee,motorcycle_left}.png, rocket.jpg

Every photo is resized so its shorter side is SHORT_SIDE pixels. The left TRAIN_FRACTION of each
photo's width is the training region; the right remainder is held out and is where the image
folder for `package-model` (make_images.py) and the sanity check are cut from, so the packaged
calibration and reference sets are pixels the encoder never saw.
A crop is a square region of side uniform in [MIN_SIDE, MAX_SIDE] pixels, resized (antialiased)
to SIZE x SIZE.
"""
import glob
import os

import numpy as np
from PIL import Image

SIZE = 64
SHORT_SIDE = 320
MIN_SIDE, MAX_SIDE = 40, 160
TRAIN_FRACTION = 0.75


def sources():
    import skimage
    sk = os.path.join(os.path.dirname(skimage.__file__), "data")
    paths = sorted(glob.glob("/usr/share/backgrounds/mate/nature/*.jpg"))
    paths += ["/usr/share/backgrounds/%s.png" % n for n in ("calla", "city", "desert", "goldfish")]
    paths += [os.path.join(sk, n) for n in ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png")]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise SystemExit("missing photographs %s: apt-get install mate-backgrounds ukui-wallpapers python3-skimage"
                         % missing)
    return paths


def load(path):
    im = Image.open(path).convert("RGB")
    w, h = im.size
    f = SHORT_SIDE / min(w, h)
    return im.resize((max(SHORT_SIDE, round(w * f)), max(SHORT_SIDE, round(h * f))), Image.BILINEAR)


def crops(photos, count, region, rng):
    """uint8 [count,SIZE,SIZE,3] crops and the index of their photo; region 'train' or 'heldout'."""
    out = np.empty((count, SIZE, SIZE, 3), np.uint8)
    which = rng.integers(0, len(photos), count)
    for i, p in enumerate(which):
        im = photos[p]
        w, h = im.size
        cut = int(w * TRAIN_FRACTION)
        lo, hi = (0, cut) if region == "train" else (cut, w)
        side = int(rng.integers(MIN_SIDE, min(MAX_SIDE, hi - lo, h) + 1))
        x = int(rng.integers(lo, hi - side + 1))
        y = int(rng.integers(0, h - side + 1))
        out[i] = np.asarray(im.crop((x, y, x + side, y + side)).resize((SIZE, SIZE), Image.BILINEAR))
    return out, which
