"""A small ViT encoder (the op set of I-JEPA / DINOv2): patch embedding, pre-LayerNorm blocks with
softmax multi-head attention and a GELU MLP, mean-pooled tokens, LayerNorm, linear head to K.

Input: float32 [N,3,64,64], normalised as (pixel_uint8 * scale - mean) / std per channel
(values in model.json "input"). Output: embedding [N,K]. No Jacobian is written for it: the
function scores it with the sketch estimator through encoder.onnx alone.
"""
import math

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(n, t, d))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x))))


class ViTEncoder(nn.Module):
    def __init__(self, size=64, patch=8, dim=64, depth=3, heads=4, mlp=128, k=32):
        super().__init__()
        self.config = dict(size=size, patch=patch, dim=dim, depth=depth, heads=heads, mlp=mlp, k=k)
        self.embed = nn.Conv2d(3, dim, patch, stride=patch)
        self.pos = nn.Parameter(torch.randn(1, (size // patch) ** 2, dim) * 0.02)
        self.blocks = nn.ModuleList(Block(dim, heads, mlp) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, k)

    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        for b in self.blocks:
            x = b(x)
        return self.head(self.norm(x.mean(1)))


def build_encoder(checkpoint):
    state = torch.load(checkpoint, map_location="cpu")
    model = ViTEncoder(**state["config"])
    model.load_state_dict(state["state_dict"])
    return model.eval()
