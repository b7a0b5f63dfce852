"""Export the photo-vit encoder to encoder.onnx (opset 17, dynamic batch) and record a check.

The check (export_check.json beside the ONNX file): two deterministic input tensors,
x0[c,h,w] = sin(0.01 * i) and x1[c,h,w] = cos(0.013 * i) with i = c*H*W + h*W + w, and their
torch float32 embeddings; the Java test PhotoVitExportTest runs encoder.onnx on the same tensors
with ONNX Runtime and compares (python3-onnx here has no reference evaluator and onnxruntime is not
packaged for Python).

Usage: /usr/bin/python3 models/vit/export.py --checkpoint PATH --out models/photo-vit
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TORCH_THREADS", "1")
import common  # noqa: E402

torch = common.require_torch()
onnx = common.require_onnx()

from model import build_encoder  # noqa: E402

OPSET = 17


def check_inputs(size):
    i = torch.arange(3 * size * size, dtype=torch.float64).reshape(1, 3, size, size)
    return torch.cat([torch.sin(0.01 * i), torch.cos(0.013 * i)]).float()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", default=os.path.join(common.WORK, "photo-vit", "encoder.pt"))
    ap.add_argument("--out", default=os.path.join(common.MODELS, "photo-vit"))
    args = ap.parse_args()
    model = build_encoder(args.checkpoint)
    state = torch.load(args.checkpoint, map_location="cpu")
    size = model.config["size"]
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "encoder.onnx")
    x = check_inputs(size)
    torch.onnx.export(model, x, path, input_names=["pixels"], output_names=["embedding"],
                      dynamic_axes={"pixels": {0: "N"}, "embedding": {0: "N"}}, opset_version=OPSET,
                      do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    m.producer_name = "jepa-score models/vit/export.py"
    m.doc_string = "photo-vit encoder: pixels [N,3,%d,%d] -> embedding [N,%d]" % (size, size, model.config["k"])
    onnx.save(m, path)
    with torch.no_grad():
        z = model(x)
    check = {"inputs": "x0 = sin(0.01 i), x1 = cos(0.013 i), i = c*H*W + h*W + w, float32 [2,3,%d,%d]" % (size, size),
             "torchEmbeddings": z.tolist(), "ops": sorted({n.op_type for n in m.graph.node}),
             "config": model.config, "mean": state["mean"], "std": state["std"], "train": state["train"]}
    with open(os.path.join(args.out, "export_check.json"), "w") as f:
        json.dump(check, f, indent=1)
    print("wrote", path, "ops:", check["ops"])


if __name__ == "__main__":
    main()
