"""Shared code for the model-building scripts (train, export, fixtures, evaluate, bench).

Everything here runs with Debian's packages and /usr/bin/python3:
  python3-torch (1.13.1, CPU), python3-onnx, python3-numpy, python3-pil, python3-matplotlib,
  python3-skimage (photo patches for the evaluation), dataset-fashion-mnist.
"""
import gzip
import importlib.util
import json
import os
import sys

MODELS = os.path.dirname(os.path.abspath(__file__))
MODEL_ID = "fmnist-lejepa"
MODEL_DIR = os.path.join(MODELS, MODEL_ID)
WORK = os.environ.get("JEPA_WORK", "/tmp/jepa-score-models")  # large intermediate files
FMNIST_DIR = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")

# Input normalisation written into model.json; the encoder takes (uint8 * SCALE - MEAN) / STD.
SCALE = 1.0 / 255.0  # 0.00392156862745098, written to the manifest as this exact double
MEAN = 0.2860  # Fashion-MNIST training-split pixel mean (0.28604) rounded to 4 digits
STD = 0.3530  # Fashion-MNIST training-split pixel std (0.35302) rounded to 4 digits
# The preprocessing of any image to the model's input, written into model.json (what the Java decoder
# reproduces value for value; photo_reference.py implements it)
INPUT_REFERENCE = ("Pillow 9.4: ImageOps.exif_transpose; alpha premultiplied onto black (RGBa); convert('L') "
                   "(ITU-R 601-2 luma, 16-bit fixed point, no gamma linearisation); resize((28, 28), Image.BILINEAR) "
                   "(antialiased: triangle kernel widened by the reduction factor, 8-bit fixed point, horizontal pass "
                   "then vertical). Implemented by models/photo_reference.py")
EPS = 1e-6  # the paper's clip on singular values before the log
HOLDOUT = 5000  # last 5000 training images: never trained on; used for calibration
# The held-out images split in two for the embedding signals: the first REFERENCE_COUNT
# (training images 55000-57999) are the k-NN / Mahalanobis reference set shipped in the package,
# the rest (58000-59999) calibrate those signals and the combined outlier score. JEPA-SCORE's own
# calibration keeps all 5000 (it does not use the reference set). The test images are never used.
REFERENCE_COUNT = 3000
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def die(msg):
    sys.stderr.write("error: " + msg + "\n")
    sys.exit(2)


def require_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        die("PyTorch is missing: run these scripts with /usr/bin/python3 and "
            "`apt-get install python3-torch` (Debian's 1.13.1 CPU build).")
    import torch
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
    return torch


def require_onnx():
    try:
        import onnx  # noqa: F401
    except ImportError:
        die("the onnx Python package is missing: `apt-get install python3-onnx` "
            "and run with /usr/bin/python3.")
    import onnx
    return onnx


def load_model_module():
    """models/fmnist-lejepa/model.py, imported from its path (the folder name has a dash)."""
    require_torch()
    spec = importlib.util.spec_from_file_location("fmnist_lejepa_model", os.path.join(MODEL_DIR, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _read_idx(path):
    import numpy as np
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fmnist(split):
    """uint8 images [N,28,28] and labels [N] of 'train' or 'test' from dataset-fashion-mnist."""
    prefix = {"train": "train", "test": "t10k"}[split]
    img = os.path.join(FMNIST_DIR, prefix + "-images-idx3-ubyte.gz")
    lab = os.path.join(FMNIST_DIR, prefix + "-labels-idx1-ubyte.gz")
    for p in (img, lab):
        if not os.path.exists(p):
            die(f"Fashion-MNIST file {p} not found: `apt-get install dataset-fashion-mnist` "
                f"(or set FMNIST_DIR to a folder holding the four idx .gz files).")
    return _read_idx(img), _read_idx(lab)


def splits():
    """train (55000, used for training), holdout (5000, calibration), test (10000, evaluation)."""
    xtr, ytr = load_fmnist("train")
    xte, yte = load_fmnist("test")
    n = len(xtr) - HOLDOUT
    return (xtr[:n], ytr[:n]), (xtr[n:], ytr[n:]), (xte, yte)


def holdout_split(xho):
    """(reference images, signal-calibration images) of the 5000 held-out images."""
    return xho[:REFERENCE_COUNT], xho[REFERENCE_COUNT:]


def normalise(u8, dtype=None):
    """uint8 [N,28,28] (numpy) -> the encoder's input tensor [N,1,28,28]."""
    torch = require_torch()
    dtype = dtype or torch.float32
    x = torch.from_numpy(u8.astype("float64")).reshape(-1, 1, 28, 28)
    return ((x * SCALE - MEAN) / STD).to(dtype)


def jepa_score_listing(f, x):
    """The paper's listing for one image x [1,1,28,28] (float64 module and input)."""
    torch = require_torch()
    J = torch.autograd.functional.jacobian(lambda t: f(t).sum(0), x)
    J = J.reshape(J.shape[0], -1)
    return torch.linalg.svdvals(J).clamp_min(EPS).log().sum()


def scores_from_jacobian(J):
    """JEPA-SCORE for a batch of Jacobians [N,K,D] (any float), in float64: the eigenvalues of
    the K x K Gram J J^T are the squared singular values, so sum log clip(sigma, eps) =
    1/2 sum log clip(lambda, eps^2) (agrees with svdvals to ~1e-11, and is ~20x faster)."""
    torch = require_torch()
    J = J.double()
    lam = torch.linalg.eigvalsh(J @ J.transpose(1, 2))
    return 0.5 * lam.clamp_min(EPS * EPS).log().sum(-1)


def _model_digest(model):
    """SHA-1 of the module's parameters (cached on the module): a key for results of this model."""
    import hashlib
    if not hasattr(model, "_digest"):
        h = hashlib.sha1()
        for name, t in sorted(model.state_dict().items()):
            h.update(name.encode())
            h.update(t.detach().cpu().contiguous().numpy().tobytes())
        model._digest = h.hexdigest()
    return model._digest


def embed_and_score(model, u8, batch=250):
    """Embeddings (float64 numpy [N,K]) and JEPA-SCOREs (numpy [N]) with the written-out
    float32 Jacobian (the scorer graph's math) and float64 singular values. Cached under
    WORK/cache by the model's parameters and the images' bytes, so re-running the evaluation
    (or calibrating after it) does not recompute the Jacobians of the same images."""
    import hashlib
    import numpy as np
    u8 = np.ascontiguousarray(u8, dtype=np.uint8)
    key = hashlib.sha1(_model_digest(model).encode() + str(u8.shape).encode() + u8.tobytes()).hexdigest()
    path = os.path.join(WORK, "cache", key + ".npz")
    if os.path.exists(path):
        with np.load(path) as c:
            return c["z"], c["s"]
    z, s = _embed_and_score(model, u8, batch)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path + ".tmp.npz", z=z, s=s)
    os.replace(path + ".tmp.npz", path)
    return z, s


def jacobians(model, x):
    """Embeddings [N,K] and float32 Jacobians [N,K,D] (d embedding / d normalised pixels, C,H,W order) of a
    batch, by reverse mode per image (functorch vmap(jacrev), torch 1.13): the math scorer.onnx computes."""
    from functorch import jacrev, vmap
    J = vmap(jacrev(lambda t: model(t.unsqueeze(0)).squeeze(0)))(x)
    with require_torch().no_grad():
        z = model(x)
    return z, J.reshape(x.shape[0], J.shape[1], -1)


def _embed_and_score(model, u8, batch):
    import numpy as np
    zs, ss = [], []
    for i in range(0, len(u8), batch):
        z, J = jacobians(model, normalise(u8[i:i + batch]))
        zs.append(z.double().numpy())
        ss.append(scores_from_jacobian(J.detach()).numpy())
    return np.concatenate(zs), np.concatenate(ss)


def embed(model, u8, batch=1000):
    import numpy as np
    torch = require_torch()
    with torch.no_grad():
        return np.concatenate([model(normalise(u8[i:i + batch])).double().numpy()
                               for i in range(0, len(u8), batch)])


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def read_json(path):
    with open(path) as f:
        return json.load(f)
