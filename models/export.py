"""Export encoder.onnx for fmnist-lejepa and check it.

Checks (written to models/fmnist-lejepa/export_check.json, and failing the command if not met):
  1. the float32 Jacobian by reverse mode (common.jacobians: functorch vmap(jacrev)) equals
     torch.autograd.functional.jacobian in float64 on real test images;
  2. the ONNX graph, run by onnx_numpy (float32), equals the torch float32 module on real test
     images: max |onnx - torch| / max |torch| <= 1e-4;
  3. JEPA-SCORE from the float32 Jacobian (singular values in float64) vs the paper's float64 listing.

The exact scorer graph (scorer.onnx) is not exported from PyTorch: the Java packager differentiates
encoder.onnx (`package-model --scorer-only --out models/fmnist-lejepa`, docs/byo-encoder.md).

Usage: /usr/bin/python3 models/export.py [--checkpoint models/fmnist-lejepa/encoder.pt]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

torch = common.require_torch()
onnx = common.require_onnx()
import numpy as np  # noqa: E402

OPSET = 17
TOLERANCE = 1e-4  # relative to the tensor's max magnitude


def flops_per_score(cfg):
    """Multiply-adds x 2 of the Jacobian part of the scorer (the K-cotangent backward GEMMs),
    and of the element-wise SiLU' products, for one image."""
    k, c, h, depth = cfg["k"], cfg["channels"], cfg["hidden"], cfg["depth"]
    widths = [49 * c] + [h] * depth
    gemm = sum(k * a * b for a, b in zip(widths[:-1], widths[1:])) + k * 49 * c * 16
    # the first backward step (head weight times SiLU') is element-wise, not a GEMM
    elementwise = k * (sum(widths[1:]) + 49 * c)
    forward = 49 * c * 16 + sum(a * b for a, b in zip(widths[:-1], widths[1:])) + h * k
    return {"jacobianGemm": 2 * gemm, "jacobianElementwise": elementwise, "forward": 2 * forward}


def export(model, out_dir):
    x = common.normalise(common.load_fmnist("test")[0][:2])
    enc_path = os.path.join(out_dir, "encoder.onnx")
    torch.onnx.export(model, x, enc_path, input_names=["pixels"], output_names=["embedding"],
                      dynamic_axes={"pixels": {0: "N"}, "embedding": {0: "N"}},
                      opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(enc_path)
    onnx.checker.check_model(m)
    m.producer_name = "jepa-score models/export.py"
    m.doc_string = "fmnist-lejepa encoder: pixels [N,1,28,28] -> embedding [N,K]"
    onnx.save(m, enc_path)
    return enc_path


def rel(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=os.path.join(common.MODEL_DIR, "encoder.pt"))
    ap.add_argument("--images", type=int, default=64, help="real test images for the ONNX check")
    args = ap.parse_args()
    if not os.path.exists(args.checkpoint):
        common.die(f"checkpoint {args.checkpoint} not found: run models/train.py first")
    import onnx_numpy

    M = common.load_model_module()
    model = M.build_encoder(args.checkpoint)
    enc_path = export(model, common.MODEL_DIR)
    xte = common.load_fmnist("test")[0]
    report = {"opset": OPSET, "tolerance": TOLERANCE, "tolerance_meaning":
              "max |a - b| / max |b| over the whole tensor", "images": "Fashion-MNIST test[0:%d]" % args.images,
              "encoderOps": onnx_numpy.op_types(enc_path),
              "flopsPerScore": flops_per_score(model.config)}

    # 1. float32 reverse mode (vmap(jacrev)) vs autograd, float64
    m64 = M.build_encoder(args.checkpoint).double()
    x64 = common.normalise(xte[:8], torch.float64)
    Ja = torch.autograd.functional.jacobian(lambda t: m64(t).sum(0), x64)  # [K,N,1,28,28]
    Ja = Ja.reshape(Ja.shape[0], 8, -1).permute(1, 0, 2)
    _, J32 = common.jacobians(model, common.normalise(xte[:8]))
    J32 = J32.detach()
    report["jacobianFloat32VsAutogradFloat64Rel"] = rel(J32.double().numpy(), Ja.numpy())

    # 2. ONNX (numpy float32) vs torch float32
    x = common.normalise(xte[:args.images])
    with torch.no_grad():
        z_e = model(x)
    enc = onnx_numpy.run(enc_path, {"pixels": x.numpy()})
    report["encoderEmbeddingRel"] = rel(enc["embedding"], z_e.numpy())

    # 3. JEPA-SCORE from the float32 Jacobian vs the float64 listing
    s32 = common.scores_from_jacobian(J32).numpy()
    s_ref = np.array([common.jepa_score_listing(m64, x64[i:i + 1]).item() for i in range(8)])
    report["scoreFromFloat32JacobianMaxAbsDiff"] = float(np.abs(s32 - s_ref).max())
    report["scoreRange"] = [float(s_ref.min()), float(s_ref.max())]

    ok = all(report[k] <= TOLERANCE for k in ("jacobianFloat32VsAutogradFloat64Rel", "encoderEmbeddingRel"))
    report["passed"] = ok
    common.write_json(os.path.join(common.MODEL_DIR, "export_check.json"), report)
    for k, v in report.items():
        print(f"{k}: {v}")
    if not ok:
        common.die(f"export check failed: a relative difference exceeds {TOLERANCE}")
    print(f"wrote {enc_path} ({os.path.getsize(enc_path)} bytes); scorer.onnx: java -jar "
          "target/quarkus-app/quarkus-run.jar package-model --scorer-only --out models/fmnist-lejepa")


if __name__ == "__main__":
    main()
