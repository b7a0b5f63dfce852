"""The reference preprocessing of photos (Pillow), a photo set made from packaged wallpapers, and the
Pillow side of the photo benchmark. Developer tool: the function, its tests and CI never run it.

Reference (model.json input.reference): Pillow full decode; ImageOps.exif_transpose; alpha
premultiplied onto black (Pillow's RGBa); convert("L"); resize((28, 28), Image.BILINEAR).

  /usr/bin/python3 models/photo_reference.py make-set  --out target/photo-bench
      80 photos from Debian's wallpaper packages (ukui-wallpapers, lomiri-wallpapers, mate-backgrounds):
      16 each of 12 MP JPEG, 12 MP PNG, 16 MP WebP, 2 MP JPEG, VGA JPEG (not committed: ~600 MB)
  /usr/bin/python3 models/photo_reference.py bench     --set target/photo-bench --repeats 3 [--only jpeg-12mp-]
      one JSON line: per file, median ms of Pillow full decode and Pillow draft mode (bytes in memory
      to the 28x28 luma)
  /usr/bin/python3 models/photo_reference.py reference --set target/photo-bench
      one JSON line: per file, the reference 28x28 tensor and its JEPA-SCORE by the float64 listing
  /usr/bin/python3 models/photo_reference.py fixtures  --out src/test/resources/photos
      small real-photo fixtures (JPEG with and without EXIF orientation, PNG, WebP) and reference.json
"""
import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

SIZE = (28, 28)
PACKAGES = ["ukui-wallpapers", "lomiri-wallpapers", "mate-backgrounds"]
# (name, format, width, height, Pillow save options); 16 files each
KINDS = [
    ("jpeg-12mp", "JPEG", 4000, 3000, {"quality": 90}),
    ("png-12mp", "PNG", 4000, 3000, {"compress_level": 6}),
    ("webp-16mp", "WEBP", 4608, 3456, {"quality": 80}),
    ("jpeg-2mp", "JPEG", 1632, 1224, {"quality": 90}),
    ("jpeg-vga", "JPEG", 640, 480, {"quality": 90}),
]
PER_KIND = 16
GRAIN_SIGMA = 3.0  # per-channel noise added to the photo set (8-bit levels), like a camera's at base ISO


def has_alpha(im):
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info) \
        or (im.mode in ("L", "RGB") and "transparency" in im.info)


def to_luma(im):
    """Alpha premultiplied onto black, then ITU-R 601-2 luma (mode L)."""
    if has_alpha(im):
        rgba = np.asarray(im.convert("RGBA").convert("RGBa"))
        return Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB").convert("L")
    return im.convert("L")


def reference_u8(data):
    """The reference: Pillow full decode of the encoded bytes -> uint8 [28, 28]."""
    im = Image.open(io.BytesIO(data))
    im = ImageOps.exif_transpose(im)
    return np.asarray(to_luma(im).resize(SIZE, Image.BILINEAR))


def draft_u8(data):
    """Pillow's fastest path: JPEG decoded by libjpeg at 1/2..1/8 scale straight to luma (draft mode)."""
    im = Image.open(io.BytesIO(data))
    im.draft("L", SIZE)
    im = ImageOps.exif_transpose(im)
    return np.asarray(to_luma(im).resize(SIZE, Image.BILINEAR))


def wallpapers():
    files = []
    for pkg in PACKAGES:
        try:
            listing = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True, check=True).stdout
        except (subprocess.CalledProcessError, FileNotFoundError):
            common.die(f"package {pkg} is not installed: apt-get install {' '.join(PACKAGES)}")
        files += [p for p in listing.split() if p.lower().endswith((".jpg", ".jpeg", ".png")) and os.path.isfile(p)]
    photos = []
    for p in sorted(set(files)):
        with Image.open(p) as im:
            photos.append((im.size[0] * im.size[1], p))
    photos.sort(key=lambda t: (-t[0], t[1]))  # largest first
    return [p for _, p in photos]


def fit(im, w, h):
    """Centre crop to w:h, then resize to w x h (Lanczos)."""
    im = ImageOps.exif_transpose(im).convert("RGB")
    sw, sh = im.size
    if sw * h > sh * w:
        cw, ch = sh * w // h, sh
    else:
        cw, ch = sw, sw * h // w
    x0, y0 = (sw - cw) // 2, (sh - ch) // 2
    return im.crop((x0, y0, x0 + cw, y0 + ch)).resize((w, h), Image.LANCZOS)


def grain(im, seed, sigma=GRAIN_SIGMA):
    """Adds sensor-like noise: wallpapers upscaled to 12-16 MP are smoother than camera photos, and
    would compress (and decode) several times faster than real uploads of the same size."""
    a = np.asarray(im, dtype=np.float32)
    a = a + np.random.default_rng(seed).normal(0, sigma, a.shape).astype(np.float32)
    return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "RGB")


def make_set(out):
    sources = wallpapers()
    if len(sources) < PER_KIND:
        common.die(f"found {len(sources)} wallpapers, need {PER_KIND}")
    os.makedirs(out, exist_ok=True)
    for name, fmt, w, h, opts in KINDS:
        for i, src in enumerate(sources[:PER_KIND]):
            path = os.path.join(out, f"{name}-{i:02d}.{fmt.lower().replace('jpeg', 'jpg')}")
            if os.path.exists(path):
                continue
            with Image.open(src) as im:
                grain(fit(im, w, h), i).save(path, fmt, **opts)
            print(path, os.path.getsize(path), flush=True)


def listing_scores(u8s):
    """JEPA-SCORE of each uint8 [28, 28] by the paper's listing in float64 (as models/fixtures.py)."""
    torch = common.require_torch()
    manifest = common.read_json(os.path.join(common.MODEL_DIR, "model.json"))
    inp = manifest["input"]
    f = common.load_model_module().build_encoder().double()
    out = []
    for u8 in u8s:
        px = torch.from_numpy(u8.astype(np.float64)).reshape(1, 1, 28, 28)
        out.append(common.jepa_score_listing(f, (px * inp["scale"] - inp["mean"][0]) / inp["std"][0]).item())
    return out


def timed(fn, data, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(data)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def bench(set_dir, repeats, only):
    """Timings only (no torch): median ms per file of Pillow full decode and draft mode."""
    files = sorted(f for f in os.listdir(set_dir) if not f.startswith(".") and f.startswith(only))
    rows = []
    for name in files:
        with open(os.path.join(set_dir, name), "rb") as fh:
            data = fh.read()
        reference_u8(data)  # warm-up
        rows.append({"file": name, "fullMs": timed(reference_u8, data, repeats),
                     "draftMs": timed(draft_u8, data, repeats)})
    import PIL
    print(json.dumps({"tool": "photo_reference.py bench", "pillow": PIL.__version__, "repeats": repeats,
                      "files": rows}))


def reference(set_dir):
    """Per file: the reference 28x28 tensor, its JEPA-SCORE by the float64 listing, and the same for
    Pillow's draft path (how far Pillow's own fast path is from its full decode)."""
    files = sorted(f for f in os.listdir(set_dir) if not f.startswith("."))
    refs, drafts = [], []
    for name in files:
        with open(os.path.join(set_dir, name), "rb") as fh:
            data = fh.read()
        refs.append(reference_u8(data))
        drafts.append(draft_u8(data))
    full, draft = listing_scores(refs), listing_scores(drafts)
    rows = [{"file": n, "reference": r.flatten().tolist(), "referenceScore": s, "draftScore": d,
             "draftMaxDiff": int(np.abs(r.astype(int) - dr.astype(int)).max())}
            for n, r, dr, s, d in zip(files, refs, drafts, full, draft)]
    print(json.dumps({"tool": "photo_reference.py reference", "files": rows}))


def fixtures(out):
    """Small real photos (photo-sized enough for the reduced decode) and their reference tensors/scores."""
    sources = wallpapers()
    os.makedirs(out, exist_ok=True)
    specs = [  # (file, source index, format, size, options, EXIF orientation to write)
        ("lake-1024.jpg", 0, "JPEG", (1024, 768), {"quality": 80}, None),
        ("hills-1280.jpg", 3, "JPEG", (1280, 960), {"quality": 75}, None),
        ("city-1024-rot6.jpg", 5, "JPEG", (768, 1024), {"quality": 80}, 6),
        ("flower-1024-rot3.jpg", 8, "JPEG", (1024, 768), {"quality": 80}, 3),
        ("coast-1024.webp", 11, "WEBP", (1024, 768), {"quality": 70}, None),
        ("forest-1024-rot8.webp", 13, "WEBP", (768, 1024), {"quality": 70}, 8),
        ("sky-400.png", 2, "PNG", (400, 300), {"optimize": True}, None),
        ("field-320-rot6.png", 7, "PNG", (240, 320), {"optimize": True}, 6),
    ]
    entries = []
    for name, idx, fmt, (w, h), opts, orientation in specs:
        with Image.open(sources[idx]) as im:
            img = fit(im, w, h)
        kw = dict(opts)
        if orientation:
            exif = Image.Exif()
            exif[0x0112] = orientation
            kw["exif"] = exif.tobytes()
        path = os.path.join(out, name)
        img.save(path, fmt, **kw)
        with open(path, "rb") as fh:
            data = fh.read()
        entries.append({"file": name, "format": fmt, "width": w, "height": h, "orientation": orientation or 1,
                        "source": os.path.basename(sources[idx]), "reference": reference_u8(data).flatten().tolist()})
    scores = listing_scores([np.asarray(e["reference"], np.uint8).reshape(28, 28) for e in entries])
    for e, s in zip(entries, scores):
        e["jepaScore"] = s
        print(f"{e['file']:26s} {os.path.getsize(os.path.join(out, e['file'])):8d} B  score {s:.4f}")
    import PIL
    doc = {"reference": common.INPUT_REFERENCE, "pillow": PIL.__version__,
           "scoreMethod": "paper listing, float64 (torch.autograd.functional.jacobian + svdvals, clip 1e-6)",
           "photos": entries}
    with open(os.path.join(out, "reference.json"), "w") as fh:
        json.dump(doc, fh, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("make-set")
    p.add_argument("--out", required=True)
    p = sub.add_parser("bench")
    p.add_argument("--set", required=True)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--only", default="", help="file name prefix, e.g. jpeg-12mp-")
    p = sub.add_parser("reference")
    p.add_argument("--set", required=True)
    p = sub.add_parser("fixtures")
    p.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.cmd == "make-set":
        make_set(args.out)
    elif args.cmd == "bench":
        bench(args.set, args.repeats, args.only)
    elif args.cmd == "reference":
        reference(args.set)
    else:
        fixtures(args.out)


if __name__ == "__main__":
    main()
