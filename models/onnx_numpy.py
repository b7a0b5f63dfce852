"""A minimal numpy interpreter for the ONNX ops that the fmnist-lejepa graphs use.

python3-onnx 1.12 has no onnx.reference evaluator and onnxruntime is not packaged for Python
here, so the export check runs the exported graphs with this (float32 throughout, like ONNX
Runtime's CPU kernels up to summation order). Unknown ops raise, naming the op.
"""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _sigmoid(x):
    return (1.0 / (1.0 + np.exp(-x))).astype(x.dtype)


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a = a.T if transA else a
    b = b.T if transB else b
    y = alpha * (a @ b)
    if c is not None:
        y = y + beta * c
    return y.astype(np.float32)


def _reshape(x, shape, allowzero=0):
    shape = [int(s) for s in shape]
    shape = [x.shape[i] if (s == 0 and not allowzero) else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _unsqueeze(x, axes):
    for a in sorted(int(a) if a >= 0 else int(a) + x.ndim + 1 for a in axes):
        x = np.expand_dims(x, a)
    return x


OPS = {
    "MatMul": lambda n, a, i: [np.matmul(i[0], i[1])],
    "Gemm": lambda n, a, i: [_gemm(*i, **a)],
    "Add": lambda n, a, i: [i[0] + i[1]],
    "Sub": lambda n, a, i: [i[0] - i[1]],
    "Mul": lambda n, a, i: [i[0] * i[1]],
    "Div": lambda n, a, i: [i[0] / i[1]],
    "Sigmoid": lambda n, a, i: [_sigmoid(i[0])],
    "Reshape": lambda n, a, i: [_reshape(i[0], i[1], a.get("allowzero", 0))],
    "Transpose": lambda n, a, i: [np.transpose(i[0], a.get("perm"))],
    "Unsqueeze": lambda n, a, i: [_unsqueeze(i[0], i[1] if len(i) > 1 else a["axes"])],
    "Constant": lambda n, a, i: [numpy_helper.to_array(a["value"]) if "value" in a else np.array(a)],
    "Shape": lambda n, a, i: [np.array(i[0].shape, dtype=np.int64)],
    "Gather": lambda n, a, i: [np.take(i[0], i[1], axis=a.get("axis", 0))],
    "Concat": lambda n, a, i: [np.concatenate([np.atleast_1d(t) for t in i], axis=a["axis"])],
    "Identity": lambda n, a, i: [i[0]],
}


def run(model_path, feeds):
    """Evaluate the graph at model_path on feeds {input name: array}; returns {output name: array}."""
    model = onnx.load(model_path)
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        if node.op_type not in OPS:
            raise NotImplementedError(f"op {node.op_type} (node {node.name}) is not in onnx_numpy.OPS")
        ins = [env[n] if n else None for n in node.input]
        ins = [x for x in ins if x is not None]
        outs = OPS[node.op_type](node, _attrs(node), ins)
        for name, val in zip(node.output, outs):
            env[name] = val
    return {o.name: env[o.name] for o in model.graph.output}


def op_types(model_path):
    return sorted({n.op_type for n in onnx.load(model_path).graph.node})
