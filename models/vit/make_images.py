"""Write the image folder photo-vit is packaged from: colour crops (64x64 PNG) cut from the held-out
right-hand part of each photograph (photos.py), which training never saw.

Usage: /usr/bin/python3 models/vit/make_images.py [--count 1500] [--out /tmp/jepa-score-models/photo-vit/images]
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import photos  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--out", default="/tmp/jepa-score-models/photo-vit/images")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sources = photos.sources()
    imgs = [photos.load(p) for p in sources]
    crops, which = photos.crops(imgs, args.count, "heldout", np.random.default_rng(args.seed))
    for i, (c, w) in enumerate(zip(crops, which)):
        name = os.path.splitext(os.path.basename(sources[w]))[0].lower()
        Image.fromarray(c).save(os.path.join(args.out, "crop-%04d-%s.png" % (i, name)))
    print("wrote", len(crops), "crops to", args.out)


if __name__ == "__main__":
    main()
