"""Benchmark the paper's PyTorch listing on the fixture images; prints ONE JSON line on stdout.

For each fixture PNG, the listing as written (per image):
  J = torch.autograd.functional.jacobian(lambda x: f(x).sum(0), x)
  score = torch.linalg.svdvals(J.reshape(K, -1)).clamp_min(1e-6).log().sum()
timed in float64 (module .double(), as the paper and the fixtures) and in float32 (for fairness).
Timing covers the listing only (input tensor already built; PNG decoding excluded).
Latency: every fixture `--repeats` times after `--warmup` untimed runs; p50/p99 in milliseconds.
Throughput: images per second over all fixtures, one image after another.

Usage: /usr/bin/python3 models/bench_reference.py --model models/fmnist-lejepa --repeats 5
"""
import argparse
import importlib.util
import json
import os
import sys
import time


def fail(msg):
    sys.stderr.write("error: " + msg + "\n")
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model package folder (model.json, model.py, fixtures/)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    try:
        import numpy as np
        import torch
    except ImportError:
        fail("PyTorch is missing: `apt-get install python3-torch` and run with /usr/bin/python3")
    from PIL import Image
    torch.set_num_threads(args.threads)
    for name in ("model.json", "model.py", os.path.join("fixtures", "reference.json")):
        if not os.path.exists(os.path.join(args.model, name)):
            fail(f"{os.path.join(args.model, name)} not found (expected a model package folder)")
    with open(os.path.join(args.model, "model.json")) as fh:
        manifest = json.load(fh)
    with open(os.path.join(args.model, "fixtures", "reference.json")) as fh:
        ref = json.load(fh)
    spec = importlib.util.spec_from_file_location("bench_model", os.path.join(args.model, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    inp, eps = manifest["input"], manifest["eps"]
    pixels = [np.asarray(Image.open(os.path.join(args.model, "fixtures", f["file"])), dtype=np.float64)
              for f in ref["fixtures"]]

    def listing(f, x):
        J = torch.autograd.functional.jacobian(lambda t: f(t).sum(0), x)
        return torch.linalg.svdvals(J.reshape(J.shape[0], -1)).clamp_min(eps).log().sum()

    result = {"tool": "bench_reference.py", "model": manifest["id"], "fixtures": len(pixels),
              "repeats": args.repeats, "threads": args.threads, "torch": torch.__version__,
              "method": "paper listing per image: autograd.functional.jacobian + linalg.svdvals"}
    for dtype, label in ((torch.float64, "float64"), (torch.float32, "float32")):
        f = mod.build_encoder().to(dtype)
        xs = [((torch.from_numpy(p.copy()).reshape(1, 1, *p.shape) * inp["scale"] - inp["mean"][0])
               / inp["std"][0]).to(dtype) for p in pixels]
        for x in xs[:args.warmup]:
            listing(f, x)
        lat = []
        t_all = time.perf_counter()
        for _ in range(args.repeats):
            for x in xs:
                t0 = time.perf_counter()
                listing(f, x)
                lat.append(time.perf_counter() - t0)
        total = time.perf_counter() - t_all
        lat_ms = np.array(lat) * 1e3
        result[label] = {"p50Ms": float(np.percentile(lat_ms, 50)), "p99Ms": float(np.percentile(lat_ms, 99)),
                         "meanMs": float(lat_ms.mean()), "imagesPerSecond": len(lat) / total}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
