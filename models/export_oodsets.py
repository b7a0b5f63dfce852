"""Write the out-of-distribution sets of models/fmnist-lejepa/EVALUATION.md to raw files, so that
Java benchmarks can score them without Python (SketchVerdictBenchmark: the verdict with the sketch
JEPA-SCORE in place of the exact one).

The sets are exactly evaluate.ood_sets (same generators, seeds and order; 2000 images each, faces
200). Each set is one file <out>/<name>.u8: N x 28 x 28 uint8 pixels, row-major, no header (N =
size / 784); <out>/index.txt lists "name count" per line in the report's order. About 11 MB in all,
so the files are generated, not committed.

Usage: /usr/bin/python3 models/export_oodsets.py [--out target/oodsets]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import evaluate  # noqa: E402
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="target/oodsets", help="folder to write (created)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    _, _, (xte, _) = common.splits()
    lines = []
    for name, _, _, u8 in evaluate.ood_sets(xte):
        u8 = np.ascontiguousarray(u8, dtype=np.uint8)
        if u8.shape[1:] != (28, 28):
            common.die(f"set {name} has images of shape {u8.shape[1:]}, expected 28x28")
        with open(os.path.join(args.out, f"{name}.u8"), "wb") as f:
            f.write(u8.tobytes())
        lines.append(f"{name} {len(u8)}")
        print(f"  {name:20s} {len(u8)} images", flush=True)
    with open(os.path.join(args.out, "index.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
