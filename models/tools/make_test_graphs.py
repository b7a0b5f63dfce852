"""Writes tiny ONNX encoders that are wrong on purpose, for the bad-input tests of package-model
and of the sketch (src/test/resources/onnx/bad/):

- two-inputs.onnx:    pixels [N,1,8,8] and a second input mask [N,1,8,8] -> embedding [N,4]
- vector-input.onnx:  features [N,64] (not an image tensor) -> embedding [N,4]
- rank3-output.onnx:  pixels [N,1,8,8] -> tokens [N,4,16] (no [N,K] output)
- nan-output.onnx:    pixels [N,1,8,8] -> embedding [N,4] = W x flattened pixels, times
                      sqrt(1 - pixel[0,0,0]): NaN for every image whose first pixel is above 1

Run: /usr/bin/python3 models/tools/make_test_graphs.py   (needs Debian's python3-onnx)
"""
import os
import sys

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    sys.exit("error: python3-onnx is missing: apt-get install python3-onnx, run with /usr/bin/python3")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src/test/resources/onnx/bad")


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="jepa-score tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    onnx.save(model, os.path.join(OUT, name))
    print("wrote", os.path.join(OUT, name))


def weights():
    w = np.random.default_rng(0).standard_normal((64, 4)).astype(np.float32) / 8
    return numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array([-1, 64], np.int64), "flat")


def pixels(name="pixels"):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", 1, 8, 8])


def embedding(name="embedding", k=4):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", k])


def main():
    w, flat = weights()
    save(helper.make_graph([
        helper.make_node("Add", ["pixels", "mask"], ["sum"]),
        helper.make_node("Reshape", ["sum", "flat"], ["x"]),
        helper.make_node("MatMul", ["x", "w"], ["embedding"]),
    ], "two_inputs", [pixels(), pixels("mask")], [embedding()], [w, flat]), "two-inputs.onnx")

    save(helper.make_graph([
        helper.make_node("MatMul", ["features", "w"], ["embedding"]),
    ], "vector_input", [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 64])], [embedding()], [w]),
        "vector-input.onnx")

    shape3 = numpy_helper.from_array(np.array([-1, 4, 16], np.int64), "shape3")
    save(helper.make_graph([
        helper.make_node("Reshape", ["pixels", "shape3"], ["tokens"]),
    ], "rank3_output", [pixels()], [helper.make_tensor_value_info("tokens", TensorProto.FLOAT, ["N", 4, 16])],
        [shape3]), "rank3-output.onnx")

    one = numpy_helper.from_array(np.array([1.0], np.float32), "one")
    starts = numpy_helper.from_array(np.array([0], np.int64), "starts")
    ends = numpy_helper.from_array(np.array([1], np.int64), "ends")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    save(helper.make_graph([
        helper.make_node("Reshape", ["pixels", "flat"], ["x"]),
        helper.make_node("MatMul", ["x", "w"], ["linear"]),
        helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["first"]),
        helper.make_node("Sub", ["one", "first"], ["shifted"]),
        helper.make_node("Sqrt", ["shifted"], ["gate"]),
        helper.make_node("Mul", ["linear", "gate"], ["embedding"]),
    ], "nan_output", [pixels()], [embedding()], [w, flat, one, starts, ends, axes]), "nan-output.onnx")


if __name__ == "__main__":
    main()
