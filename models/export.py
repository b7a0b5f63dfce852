"""Export encoder.onnx and scorer.onnx for fmnist-lejepa and check them.

Checks (written to models/fmnist-lejepa/export_check.json, and failing the command if not met):
  1. the written-out Jacobian (model.forward_with_jacobian, float64) equals
     torch.autograd.functional.jacobian on real test images;
  2. the ONNX graphs, run by onnx_numpy (float32), equal the torch float32 module on real test
     images: embedding and Jacobian, max |onnx - torch| / max |torch| per tensor <= 1e-4;
  3. JEPA-SCORE from the ONNX Jacobian (float32, singular values in float64) vs the paper's
     float64 listing.

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


def export(model, M, out_dir):
    x = common.normalise(common.load_fmnist("test")[0][:2])
    enc_path = os.path.join(out_dir, "encoder.onnx")
    sc_path = os.path.join(out_dir, "scorer.onnx")
    torch.onnx.export(model, x, enc_path, input_names=["pixels"], output_names=["embedding"],
                      dynamic_axes={"pixels": {0: "N"}, "embedding": {0: "N"}},
                      opset_version=OPSET, do_constant_folding=True)
    torch.onnx.export(M.Scorer(model), x, sc_path, input_names=["pixels"],
                      output_names=["embedding", "jacobian"],
                      dynamic_axes={"pixels": {0: "N"}, "embedding": {0: "N"}, "jacobian": {0: "N"}},
                      opset_version=OPSET, do_constant_folding=True)
    for p in (enc_path, sc_path):
        m = onnx.load(p)
        onnx.checker.check_model(m)
        m.producer_name = "jepa-score models/export.py"
        m.doc_string = ("fmnist-lejepa " + ("encoder: pixels [N,1,28,28] -> embedding [N,K]" if p == enc_path else
                        "scorer: pixels [N,1,28,28] -> embedding [N,K], jacobian [N,K,784] "
                        "(d embedding / d normalised pixels, C,H,W order)"))
        onnx.save(m, p)
    return enc_path, sc_path


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
    enc_path, sc_path = export(model, M, common.MODEL_DIR)
    xte = common.load_fmnist("test")[0]
    report = {"opset": OPSET, "tolerance": TOLERANCE, "tolerance_meaning":
              "max |a - b| / max |b| over the whole tensor", "images": "Fashion-MNIST test[0:%d]" % args.images,
              "encoderOps": onnx_numpy.op_types(enc_path), "scorerOps": onnx_numpy.op_types(sc_path),
              "flopsPerScore": flops_per_score(model.config)}

    # 1. written-out Jacobian vs autograd, float64
    m64 = M.build_encoder(args.checkpoint).double()
    x64 = common.normalise(xte[:8], torch.float64)
    with torch.no_grad():
        _, J = m64.forward_with_jacobian(x64)
    Ja = torch.autograd.functional.jacobian(lambda t: m64(t).sum(0), x64)  # [K,N,1,28,28]
    Ja = Ja.reshape(J.shape[1], 8, -1).permute(1, 0, 2)
    report["torchJacobianVsAutogradFloat64"] = rel(J.numpy(), Ja.numpy())

    # 2. ONNX (numpy float32) vs torch float32
    x = common.normalise(xte[:args.images])
    with torch.no_grad():
        z_t, J_t = model.forward_with_jacobian(x)
        z_e = model(x)
    feeds = {"pixels": x.numpy()}
    enc = onnx_numpy.run(enc_path, feeds)
    sc = onnx_numpy.run(sc_path, feeds)
    report["encoderEmbeddingRel"] = rel(enc["embedding"], z_e.numpy())
    report["scorerEmbeddingRel"] = rel(sc["embedding"], z_t.numpy())
    report["scorerJacobianRel"] = rel(sc["jacobian"], J_t.numpy())
    report["scorerJacobianVsAutogradFloat64Rel"] = rel(
        sc["jacobian"][:8].astype(np.float64), Ja.numpy())

    # 3. JEPA-SCORE from the float32 ONNX Jacobian vs the float64 listing
    s_onnx = common.scores_from_jacobian(torch.from_numpy(sc["jacobian"][:8])).numpy()
    s_ref = np.array([common.jepa_score_listing(m64, x64[i:i + 1]).item() for i in range(8)])
    report["scoreFromOnnxJacobianMaxAbsDiff"] = float(np.abs(s_onnx - s_ref).max())
    report["scoreRange"] = [float(s_ref.min()), float(s_ref.max())]

    ok = all(report[k] <= TOLERANCE for k in ("torchJacobianVsAutogradFloat64", "encoderEmbeddingRel",
                                              "scorerEmbeddingRel", "scorerJacobianRel",
                                              "scorerJacobianVsAutogradFloat64Rel"))
    report["passed"] = ok
    common.write_json(os.path.join(common.MODEL_DIR, "export_check.json"), report)
    for k, v in report.items():
        print(f"{k}: {v}")
    if not ok:
        common.die(f"export check failed: a relative difference exceeds {TOLERANCE}")
    print(f"wrote {enc_path} ({os.path.getsize(enc_path)} bytes) and {sc_path} ({os.path.getsize(sc_path)} bytes)")


if __name__ == "__main__":
    main()
