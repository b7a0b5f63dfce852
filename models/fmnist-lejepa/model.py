"""The fmnist-lejepa encoder: a patchify stem followed by an MLP.

`build_encoder()` returns the torch module with the checkpoint (encoder.pt, beside this file)
loaded. The module takes exactly the tensor encoder.onnx takes: float32 [N,1,28,28], already
normalised as `(pixel_uint8 * scale - mean) / std` (values in model.json "input").

Architecture (chosen so that the exact Jacobian is a handful of large GEMMs):
  pixels [N,1,28,28] -> 49 non-overlapping 4x4 patches [N,49,16]
  -> shared Linear(16, C) + SiLU          (patchify stem; kernel = stride, so no ConvTranspose)
  -> flatten [N,49*C] -> Linear + SiLU (x depth) -> Linear(hidden, K) = embedding
The Jacobian graph (scorer.onnx) is not written here: `package-model --scorer-only` differentiates
encoder.onnx (docs/byo-encoder.md); common.jacobians gives the same J in PyTorch (vmap(jacrev)).
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT = os.path.join(HERE, "encoder.pt")

SIDE = 28
PATCH = 4
GRID = SIDE // PATCH  # 7 patches per side
PIXELS = SIDE * SIDE  # D = 784


class PatchMLPEncoder(nn.Module):
    def __init__(self, channels=16, hidden=512, depth=2, k=64):
        super().__init__()
        self.config = dict(channels=channels, hidden=hidden, depth=depth, k=k)
        self.stem = nn.Linear(PATCH * PATCH, channels)
        widths = [GRID * GRID * channels] + [hidden] * depth
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.head = nn.Linear(hidden, k)

    @staticmethod
    def patchify(x):
        # [N,1,28,28] -> [N,7(row),4(i),7(col),4(j)] -> [N,7,7,4,4] -> [N,49,16]
        p = x.reshape(-1, GRID, PATCH, GRID, PATCH).permute(0, 1, 3, 2, 4)
        return p.reshape(-1, GRID * GRID, PATCH * PATCH)

    def _forward(self, x):
        pres = []
        pre = self.stem(self.patchify(x))  # [N,49,C]
        pres.append(pre)
        h = nn.functional.silu(pre).reshape(-1, GRID * GRID * self.config["channels"])
        for layer in self.layers:
            pre = layer(h)
            pres.append(pre)
            h = nn.functional.silu(pre)
        return self.head(h), pres

    def forward(self, x):
        return self._forward(x)[0]


def build_encoder(checkpoint=CHECKPOINT):
    """The trained encoder (eval mode, float32) with the checkpoint beside this file loaded."""
    state = torch.load(checkpoint, map_location="cpu")
    model = PatchMLPEncoder(**state["config"])
    model.load_state_dict(state["state_dict"])
    return model.eval()
