"""The CNN the end-to-end benchmark packages (dev.jepascore.bench.ByoCnnBenchmark), shaped like the hidden
K = 40 CNN of issue 19: 28x28 grey input (D = 784), three 3x3 convolutions (16, 32 and 64 channels, the last two
strided), a 128-wide GELU layer and K = 40 outputs. Seeded random weights (the benchmark times the graph; what
it computes does not matter).

Writes src/test/resources/bench/cnn40/encoder.onnx (torch.onnx, opset 17, input 'pixels' [N, 1, 28, 28],
output 'embedding' [N, 40]) and cnn40.pt (the state dict, so models/bench_vmap_jacrev.py --module this file times
PyTorch's vmap(jacrev) on the same module).

Also writes cnn40-reference.json (4 seeded inputs and their float64 JEPA-SCOREs by the paper's listing);
--listing writes only that, from the committed weights.

Run: /usr/bin/python3 models/tools/make_bench_cnn.py [--listing]   (Debian's python3-torch 1.13)
"""
import os

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "test", "resources", "bench", "cnn40")
SHAPE = (1, 28, 28)


class Cnn40(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 40)

    def forward(self, x):
        h = torch.relu(self.c1(x))
        h = torch.relu(self.c2(h))
        h = torch.relu(self.c3(h))
        return self.fc2(nn.functional.gelu(self.fc1(h.flatten(1))))


def build_encoder():
    """The module with the committed weights, in eval mode (what bench_vmap_jacrev.py --module calls)."""
    model = Cnn40()
    model.load_state_dict(torch.load(os.path.join(OUT, "cnn40.pt")))
    return model.eval()


def write_model():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(40)
    model = Cnn40().eval()
    torch.save(model.state_dict(), os.path.join(OUT, "cnn40.pt"))
    torch.onnx.export(model, torch.randn(2, *SHAPE), os.path.join(OUT, "encoder.onnx"), input_names=["pixels"],
                      output_names=["embedding"], dynamic_axes={"pixels": {0: "N"}, "embedding": {0: "N"}},
                      opset_version=17, do_constant_folding=True)
    print("wrote", OUT)


def write_listing():
    """cnn40-reference.json beside the encoder: 4 seeded inputs and their float64 JEPA-SCOREs by the paper's
    listing (torch.autograd.functional.jacobian in float64, svdvals, clip 1e-6), as make_test_encoders.py writes."""
    import json
    import make_test_encoders as encoders
    m64 = build_encoder().double()
    inputs = torch.randn(4, *SHAPE, generator=torch.Generator().manual_seed(11), dtype=torch.float64)
    scores = [encoders.listing(m64, inputs[i:i + 1]) for i in range(4)]
    with open(os.path.join(OUT, "cnn40-reference.json"), "w") as f:
        json.dump({"method": "torch.autograd.functional.jacobian + torch.linalg.svdvals, float64, clip 1e-06 "
                             "(models/tools/make_bench_cnn.py --listing)", "shape": list(SHAPE),
                   "inputs": [[float(v) for v in inputs[i].flatten()] for i in range(4)],
                   "jepaScores": scores}, f)
    print("listing", scores)


if __name__ == "__main__":
    import sys
    if "--listing" not in sys.argv:
        write_model()
    write_listing()
