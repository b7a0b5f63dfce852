"""Time PyTorch's batched reverse mode, functorch vmap(jacrev), float32, on the fmnist-lejepa module (or the
module --module FILE.py builds with its build_encoder(), e.g. models/tools/make_bench_cnn.py):
the per-image Jacobian [K, D] of a batch, then the scores (svdvals, float64) as scorer.onnx's consumer
does. Prints ms per image (best of --rounds). The baseline the differentiated scorer.onnx is compared
with (ScorerGraphBenchmark times the graph on the same batch size and threads).

Usage: /usr/bin/python3 models/bench_vmap_jacrev.py [--batch 32] [--threads 2] [--rounds 7] [--module FILE.py]
       [--shape 1,28,28]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

torch = common.require_torch()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--module", help="a Python file whose build_encoder() returns the module (default: fmnist-lejepa)")
    ap.add_argument("--shape", default="1,28,28", help="per-image input shape C,H,W")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.module:
        import importlib.util
        spec = importlib.util.spec_from_file_location("bench_module", args.module)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        model = mod.build_encoder()
    else:
        model = common.load_model_module().build_encoder()
    shape = tuple(int(v) for v in args.shape.split(","))
    x = torch.randn(args.batch, *shape, generator=torch.Generator().manual_seed(1))
    common.jacobians(model, x)  # warm-up
    best_j, best_s = float("inf"), float("inf")
    for _ in range(args.rounds):
        t = time.perf_counter()
        _, J = common.jacobians(model, x)
        t_j = time.perf_counter() - t
        common.scores_from_jacobian(J.detach())
        t_s = time.perf_counter() - t
        best_j, best_s = min(best_j, t_j), min(best_s, t_s)
    print(f"vmap(jacrev) float32, batch {args.batch}, {args.threads} threads, best of {args.rounds}: "
          f"J {1e3 * best_j / args.batch:.3f} ms/image, J + scores {1e3 * best_s / args.batch:.3f} ms/image")


if __name__ == "__main__":
    main()
