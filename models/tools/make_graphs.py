"""Writes the small model-independent ONNX graphs the Java side runs next to a model package.

- src/main/resources/onnx/gram-float64.onnx: J [N,K,D] float32 -> J J^T [N,K,K] float64.
  J is cast to double first, so every product and sum is in double precision (as the float64
  reference listing), while the matrix product runs in ONNX Runtime's optimised GEMM instead of
  a scalar Java loop. Used for scorer graphs of kind "jacobian".
- src/test/resources/bench/matmul.onnx: A [M,K] @ B [K,N] float32, the benchmark's
  matrix-multiply peak.

Run: /usr/bin/python3 models/tools/make_graphs.py   (needs Debian's python3-onnx)
"""
import os
import sys

try:
    import onnx
    from onnx import TensorProto, helper
except ImportError:
    sys.exit("error: python3-onnx is missing: apt-get install python3-onnx, run with /usr/bin/python3")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="jepa-score")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(ROOT, path))
    print("wrote", path)


def gram():
    j = helper.make_tensor_value_info("jacobian", TensorProto.FLOAT, ["n", "k", "d"])
    g = helper.make_tensor_value_info("gram", TensorProto.DOUBLE, ["n", "k", "k"])
    nodes = [
        helper.make_node("Cast", ["jacobian"], ["jd"], to=TensorProto.DOUBLE),
        helper.make_node("Transpose", ["jd"], ["jdt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["jd", "jdt"], ["gram"]),
    ]
    save(helper.make_graph(nodes, "gram_float64", [j], [g]), "src/main/resources/onnx/gram-float64.onnx")


def matmul():
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["m", "k"])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["k", "n"])
    c = helper.make_tensor_value_info("c", TensorProto.FLOAT, ["m", "n"])
    save(helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "matmul_peak", [a, b], [c]),
         "src/test/resources/bench/matmul.onnx")


if __name__ == "__main__":
    gram()
    matmul()
