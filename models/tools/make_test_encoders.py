"""Writes the small encoders the differentiator's tests package (src/test/resources/onnx/autodiff/):

- cnn.onnx: 3x16x16 -> K=16: Conv 3x3 (pad 1) + BatchNorm (eval, running statistics set) + ReLU,
  grouped strided Conv (groups 2, stride 2), MaxPool 3x3/2 (overlapping, pad 1), AvgPool 2x2,
  Flatten, Linear + GELU, Linear.
- vit.onnx: 3x16x16 -> K=8: 4x4 patch Conv, cls token, learned positions, two pre-norm blocks with
  nn.MultiheadAttention (sequence-first: the batch moves between axes) and a GELU MLP, LayerNorm,
  the cls token through a Linear head.

Seeded random weights (what matters is the graph, not the training). Beside each, <name>-reference.json:
4 seeded inputs and their float64 JEPA-SCOREs by the paper's per-image listing
(torch.autograd.functional.jacobian on the module in float64, then svdvals, clip 1e-6, sum of logs).

Run: /usr/bin/python3 models/tools/make_test_encoders.py   (Debian's python3-torch 1.13 and python3-onnx)
"""
import json
import os

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "test", "resources", "onnx", "autodiff")
EPS = 1e-6


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 12, 3, stride=2, padding=1, groups=2)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.avg = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(12 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, 16)

    def forward(self, x):
        h = torch.relu(self.bn(self.conv1(x)))
        h = self.avg(self.pool(torch.relu(self.conv2(h))))
        return self.fc2(nn.functional.gelu(self.fc1(h.flatten(1))))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):  # x [T, N, dim]
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class Vit(nn.Module):
    def __init__(self, dim=16, heads=2, k=8):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, 4, stride=4)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.pos = nn.Parameter(torch.randn(17, 1, dim) * 0.5)
        self.blocks = nn.ModuleList(Block(dim, heads) for _ in range(2))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, k)

    def forward(self, x):
        t = self.patch(x).flatten(2).permute(2, 0, 1)  # [16, N, dim]
        t = torch.cat([self.cls.expand(1, x.shape[0], -1), t], 0) + self.pos
        for b in self.blocks:
            t = b(t)
        return self.head(self.norm(t[0]))


def listing(f, x):
    J = torch.autograd.functional.jacobian(lambda t: f(t).sum(0), x)
    return torch.linalg.svdvals(J.reshape(J.shape[0], -1)).clamp_min(EPS).log().sum().item()


def write(name, model):
    model.eval()
    x = torch.randn(2, 3, 16, 16)
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, x, path, input_names=["pixels"], output_names=["embedding"],
                      dynamic_axes={"pixels": {0: "N"}, "embedding": {0: "N"}}, opset_version=17,
                      do_constant_folding=True)
    m64 = model.double()
    inputs = torch.randn(4, 3, 16, 16, generator=torch.Generator().manual_seed(11), dtype=torch.float64)
    scores = [listing(m64, inputs[i:i + 1]) for i in range(4)]
    with open(os.path.join(OUT, name + "-reference.json"), "w") as f:
        json.dump({"method": "torch.autograd.functional.jacobian + torch.linalg.svdvals, float64, clip 1e-06 "
                             "(models/tools/make_test_encoders.py)", "shape": [3, 16, 16],
                   "inputs": [[float(v) for v in inputs[i].flatten()] for i in range(4)],
                   "jepaScores": scores}, f)
    print("wrote", path, scores)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    cnn = Cnn()
    with torch.no_grad():
        cnn.bn.running_mean.copy_(torch.randn(8) * 0.3)
        cnn.bn.running_var.copy_(torch.rand(8) + 0.5)
        cnn.bn.weight.copy_(torch.rand(8) + 0.5)
        cnn.bn.bias.copy_(torch.randn(8) * 0.2)
    write("cnn", cnn)
    torch.manual_seed(1)
    write("vit", Vit())
