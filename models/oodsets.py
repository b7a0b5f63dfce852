"""Out-of-distribution image sets built from what Debian packages ship (no downloads).

All return uint8 arrays [N,28,28], deterministic for a given seed.
  glyphs: characters rendered from the TrueType fonts under /usr/share/fonts/truetype
          (fonts-dejavu-core, fonts-freefont-ttf, fonts-liberation, ...), MNIST-style: white on
          black, fitted into a 20x20 box, centred by centre of mass in 28x28.
  photo patches: random crops of the sample photographs shipped by python3-skimage, grayscale.
  faces: the LFW face crops shipped by python3-skimage (lfw_subset.npy).
  transforms of Fashion-MNIST test images: Gaussian noise, upside-down, inverted.
  uniform noise.
"""
import glob
import os

try:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont
except ImportError as err:
    raise SystemExit(f"error: {err.name} is missing: `apt-get install python3-numpy python3-pil` "
                     "and run with /usr/bin/python3")

FONT_ROOT = "/usr/share/fonts/truetype"
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PHOTOS = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "moon.png",
          "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg", "grass.png", "gravel.png",
          "brick.png", "page.png", "text.png", "horse.png", "retina.jpg", "cell.png", "clock_motion.png",
          "immunohistochemistry.png", "ihc.png", "logo.png", "color.png"]


def fonts():
    paths = sorted(glob.glob(os.path.join(FONT_ROOT, "**", "*.ttf"), recursive=True))
    paths = [p for p in paths if not any(s in p.lower() for s in ("awesome", "math", "hairline", "symbol"))]
    if not paths:
        raise SystemExit("error: no TrueType fonts under %s: `apt-get install fonts-dejavu-core "
                         "fonts-freefont-ttf fonts-liberation`" % FONT_ROOT)
    return paths


def render_glyph(ch, font_path, angle=0.0):
    """One character, MNIST-style 28x28 uint8."""
    font = ImageFont.truetype(font_path, 96)
    canvas = Image.new("L", (160, 160), 0)
    ImageDraw.Draw(canvas).text((30, 10), ch, fill=255, font=font)
    if angle:
        canvas = canvas.rotate(angle, resample=Image.BILINEAR)
    box = canvas.getbbox()
    if box is None:
        return np.zeros((28, 28), np.uint8)
    g = canvas.crop(box)
    w, h = g.size
    s = 20.0 / max(w, h)
    g = g.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)
    a = np.asarray(g, dtype=np.float64)
    out = np.zeros((28, 28))
    ys, xs = np.indices(a.shape)
    tot = a.sum() or 1.0
    cy, cx = (ys * a).sum() / tot, (xs * a).sum() / tot
    oy, ox = int(round(14 - cy)), int(round(14 - cx))
    oy = min(max(oy, 0), 28 - a.shape[0])
    ox = min(max(ox, 0), 28 - a.shape[1])
    out[oy:oy + a.shape[0], ox:ox + a.shape[1]] = a
    return np.clip(out, 0, 255).astype(np.uint8)


def glyphs(chars, n, seed):
    rng = np.random.default_rng(seed)
    fs = fonts()
    return np.stack([render_glyph(chars[rng.integers(len(chars))], fs[rng.integers(len(fs))],
                                  float(rng.uniform(-15, 15))) for _ in range(n)])


def _skimage_dir():
    try:
        import skimage
    except ImportError:
        raise SystemExit("error: python3-skimage is missing (its sample photos are an OOD set): "
                         "`apt-get install python3-skimage`")
    return os.path.join(os.path.dirname(skimage.__file__), "data")


def photo_patches(n, seed):
    rng = np.random.default_rng(seed)
    d = _skimage_dir()
    imgs = [Image.open(os.path.join(d, p)).convert("L") for p in PHOTOS if os.path.exists(os.path.join(d, p))]
    out = []
    for _ in range(n):
        im = imgs[rng.integers(len(imgs))]
        w, h = im.size
        side = int(rng.integers(32, max(33, min(w, h) // 2)))
        x0, y0 = int(rng.integers(0, w - side + 1)), int(rng.integers(0, h - side + 1))
        out.append(np.asarray(im.crop((x0, y0, x0 + side, y0 + side)).resize((28, 28), Image.BILINEAR)))
    return np.stack(out).astype(np.uint8)


def faces():
    a = np.load(os.path.join(_skimage_dir(), "lfw_subset.npy"))  # [200,25,25] floats in [0,1]
    return np.stack([np.asarray(Image.fromarray((f * 255).clip(0, 255).astype(np.uint8)).resize(
        (28, 28), Image.BILINEAR)) for f in a]).astype(np.uint8)


def uniform_noise(n, seed):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28)).astype(np.uint8)


def gaussian_noise(u8, sigma, seed):
    rng = np.random.default_rng(seed)
    return np.clip(u8.astype(np.float64) + rng.normal(0, sigma, u8.shape), 0, 255).round().astype(np.uint8)


def upside_down(u8):
    return u8[:, ::-1, :].copy()


def inverted(u8):
    return (255 - u8).astype(np.uint8)


def checkerboard(cell=4):
    y, x = np.indices((28, 28))
    return (((y // cell + x // cell) % 2) * 255).astype(np.uint8)
