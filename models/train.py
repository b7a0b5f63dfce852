"""Train the fmnist-lejepa encoder with the LeJEPA recipe on Fashion-MNIST (CPU, 2 threads).

LeJEPA (Balestriero & LeCun, 2025): several augmented views per image; a predictive loss pulls
every view's embedding toward the mean embedding of the global views; SIGReg pushes each view's
batch of embeddings toward an isotropic Gaussian N(0, I_K) with the Epps-Pulley statistic on
random 1-D projections. loss = (1 - lam) * predictive + lam * SIGReg.

Usage: /usr/bin/python3 models/train.py [--epochs 8] [--k 64] [--seed 0] [--out PATH]
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

torch = common.require_torch()
import numpy as np  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def augment(x, scale, gen, noise=0.0):
    """Random resized crop (area fraction in `scale`, aspect 3/4..4/3), rotation (+-10 deg),
    horizontal flip, contrast/brightness jitter. x: float [B,1,28,28] in [0,1]."""
    b = x.shape[0]
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(b, generator=gen)  # noqa: E731
    area = u(*scale)
    logr = u(math.log(3 / 4), math.log(4 / 3))
    w = torch.sqrt(area * torch.exp(logr)).clamp(max=1.0)
    h = torch.sqrt(area / torch.exp(logr)).clamp(max=1.0)
    tx = (1 - w) * u(-1, 1)
    ty = (1 - h) * u(-1, 1)
    ang = u(-10, 10) * math.pi / 180
    flip = torch.where(torch.rand(b, generator=gen) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([torch.stack([w * cos * flip, -h * sin, tx], 1),
                         torch.stack([w * sin * flip, h * cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    y = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    contrast = u(0.6, 1.4).view(b, 1, 1, 1)
    bright = u(-0.1, 0.1).view(b, 1, 1, 1)
    y = y * contrast + bright
    if noise > 0:  # Gaussian pixel noise of a random strength up to `noise`, on half the images
        sigma = noise * torch.rand(b, 1, 1, 1, generator=gen) * (torch.rand(b, 1, 1, 1, generator=gen) < 0.5)
        y = y + sigma * torch.randn(y.shape, generator=gen)
    y = y.clamp(0, 1)
    return (y - common.MEAN) / common.STD


class SIGReg(torch.nn.Module):
    """Epps-Pulley test statistic against N(0,1) on `slices` random unit directions, averaged.
    Integral over t in [0,3] (17 knots, trapezoid) with weight exp(-t^2/2)."""

    def __init__(self, knots=17, slices=256):
        super().__init__()
        t = torch.linspace(0, 3, knots)
        dt = 3 / (knots - 1)
        w = torch.full((knots,), 2 * dt)
        w[[0, -1]] = dt
        self.slices = slices
        self.register_buffer("t", t)
        self.register_buffer("phi", torch.exp(-t.square() / 2))
        self.register_buffer("weights", w * torch.exp(-t.square() / 2))

    def forward(self, z, gen):  # z: [V,B,K]
        a = torch.randn(z.shape[-1], self.slices, generator=gen)
        a = a / a.norm(dim=0)
        xt = (z @ a).unsqueeze(-1) * self.t  # [V,B,S,T]
        err = (xt.cos().mean(-3) - self.phi).square() + xt.sin().mean(-3).square()
        return ((err @ self.weights) * z.shape[-2]).mean()


def knn_accuracy(model, xref, yref, xq, yq, k=10):
    zr = torch.from_numpy(common.embed(model, xref))
    zq = torch.from_numpy(common.embed(model, xq))
    zr, zq = F.normalize(zr, dim=1), F.normalize(zq, dim=1)
    idx = (zq @ zr.T).topk(k, dim=1).indices
    votes = torch.from_numpy(yref.astype(np.int64))[idx]
    pred = torch.mode(votes, dim=1).values.numpy()
    return float((pred == yq).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--k", type=int, default=64, help="embedding size K")
    ap.add_argument("--channels", type=int, default=16, help="patch-stem channels C")
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--global-views", type=int, default=2)
    ap.add_argument("--local-views", type=int, default=2)
    ap.add_argument("--global-scale", type=float, nargs=2, default=[0.4, 1.0])
    ap.add_argument("--local-scale", type=float, nargs=2, default=[0.15, 0.4])
    ap.add_argument("--noise", type=float, default=0.0, help="max std of Gaussian pixel noise augmentation")
    ap.add_argument("--lam", type=float, default=0.05, help="SIGReg weight")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(common.MODEL_DIR, "encoder.pt"))
    args = ap.parse_args()

    M = common.load_model_module()
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    (xtr, ytr), (xho, yho), _ = common.splits()
    data = torch.from_numpy(xtr.copy()).float().div(255).unsqueeze(1)

    model = M.PatchMLPEncoder(channels=args.channels, hidden=args.hidden, depth=args.depth, k=args.k)
    sigreg = SIGReg()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    steps_per_epoch = len(data) // args.batch
    total = steps_per_epoch * args.epochs
    warm = steps_per_epoch // 2
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    print(f"training {sum(p.numel() for p in model.parameters())} parameters, {total} steps", flush=True)

    log = []
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(data), generator=gen)
        acc = {"pred": 0.0, "sigreg": 0.0}
        for s in range(steps_per_epoch):
            xb = data[perm[s * args.batch:(s + 1) * args.batch]]
            views = [augment(xb, args.global_scale, gen, args.noise) for _ in range(args.global_views)]
            views += [augment(xb, args.local_scale, gen, args.noise) for _ in range(args.local_views)]
            z = model(torch.cat(views)).reshape(len(views), xb.shape[0], -1)
            center = z[:args.global_views].mean(0)
            pred = (z - center).square().mean()
            sr = sigreg(z, gen)
            loss = (1 - args.lam) * pred + args.lam * sr
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            acc["pred"] += pred.item()
            acc["sigreg"] += sr.item()
        model.eval()
        knn = knn_accuracy(model, xtr[:10000], ytr[:10000], xho, yho)
        z = common.embed(model, xho)
        entry = dict(epoch=epoch + 1, seconds=round(time.time() - t0, 1),
                     pred=acc["pred"] / steps_per_epoch, sigreg=acc["sigreg"] / steps_per_epoch,
                     knn10_holdout=knn, emb_mean_abs=float(np.abs(z.mean(0)).mean()),
                     emb_std_mean=float(z.std(0).mean()))
        log.append(entry)
        print(json.dumps(entry), flush=True)

    state = {"config": model.config,
             "state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
             "train": dict(vars(args), out=None, seconds=round(time.time() - t0, 1), log=log)}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(state, args.out)
    print(f"saved {args.out} after {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
