"""Train the photo-vit encoder with the LeJEPA recipe on colour crops of photographs (CPU, 1 thread).

Same recipe as models/train.py (whose SIGReg is reused): 2 global + 2 local views of each crop,
predictive loss to the mean global-view embedding, SIGReg (Epps-Pulley on random 1-D projections)
with weight lam. Views: random resized crop of the 64x64 base crop (area in the view's scale
range, aspect 3/4..4/3), horizontal flip, per-image brightness/contrast/saturation jitter.

Sanity checks written into the checkpoint, trained encoder against the same architecture at its
random initialisation, on crops from the held-out region of each photo: photo-identity 10-NN
accuracy (reference and query crops drawn independently; colour statistics alone make this
easy) and view retrieval (top-1 of finding a crop's second augmented view among 500 from its
first: what the JEPA objective asks for).

Usage: TORCH_THREADS=1 /usr/bin/python3 models/vit/train.py [--steps 600] [--out PATH]
"""
import argparse
import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("TORCH_THREADS", "1")
import common  # noqa: E402

torch = common.require_torch()
import numpy as np  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import photos  # noqa: E402
from model import ViTEncoder  # noqa: E402
from train import SIGReg  # noqa: E402  (models/train.py)


def augment(x, scale, gen, mean, std):
    """x: float [B,3,64,64] in [0,1] -> normalised view [B,3,64,64]."""
    b = x.shape[0]
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(b, generator=gen)  # noqa: E731
    area = u(*scale)
    logr = u(math.log(3 / 4), math.log(4 / 3))
    w = torch.sqrt(area * torch.exp(logr)).clamp(max=1.0)
    h = torch.sqrt(area / torch.exp(logr)).clamp(max=1.0)
    tx, ty = (1 - w) * u(-1, 1), (1 - h) * u(-1, 1)
    flip = torch.where(torch.rand(b, generator=gen) < 0.5, -1.0, 1.0)
    zero = torch.zeros(b)
    theta = torch.stack([torch.stack([w * flip, zero, tx], 1), torch.stack([zero, h, ty], 1)], 1)
    y = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False),
                      mode="bilinear", padding_mode="border", align_corners=False)
    gray = y.mean(1, keepdim=True)
    y = gray + (y - gray) * u(0.6, 1.4).view(b, 1, 1, 1)  # saturation
    y = (y - 0.5) * u(0.7, 1.3).view(b, 1, 1, 1) + 0.5 + u(-0.1, 0.1).view(b, 1, 1, 1)
    return (y.clamp(0, 1) - mean) / std


def normalise(u8, mean, std):
    return (torch.from_numpy(u8).permute(0, 3, 1, 2).float() / 255 - mean) / std


@torch.no_grad()
def embed(model, x, batch=256):
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def knn_photo_accuracy(model, xr, yr, xq, yq, k=10):
    zr, zq = F.normalize(embed(model, xr), dim=1), F.normalize(embed(model, xq), dim=1)
    votes = torch.from_numpy(yr)[(zq @ zr.T).topk(k, dim=1).indices]
    return float((torch.mode(votes, dim=1).values.numpy() == yq).mean())


def view_retrieval(model, x01, mean, std, seed=7):
    """Top-1 accuracy of finding a crop's second augmented (global) view among the second views
    of all held-out crops, from its first view (cosine similarity)."""
    g = torch.Generator().manual_seed(seed)
    a = F.normalize(embed(model, augment(x01, (0.4, 1.0), g, mean, std)), dim=1)
    b = F.normalize(embed(model, augment(x01, (0.4, 1.0), g, mean, std)), dim=1)
    return float(((a @ b.T).argmax(1) == torch.arange(len(a))).float().mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--bank", type=int, default=12000, help="base crops from the training regions")
    ap.add_argument("--batch", type=int, default=96)
    ap.add_argument("--k", type=int, default=32)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--lam", type=float, default=0.05)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(common.WORK, "photo-vit", "encoder.pt"))
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    imgs = [photos.load(p) for p in photos.sources()]
    bank, _ = photos.crops(imgs, args.bank, "train", rng)
    mean = torch.tensor(bank.reshape(-1, 3).mean(0) / 255, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(bank.reshape(-1, 3).std(0) / 255, dtype=torch.float32).view(1, 3, 1, 1)
    mean, std = mean.round(decimals=3), std.round(decimals=3)
    data = torch.from_numpy(bank).permute(0, 3, 1, 2).contiguous()
    xr, yr = photos.crops(imgs, 1000, "heldout", np.random.default_rng(args.seed + 1))
    xq, yq = photos.crops(imgs, 500, "heldout", np.random.default_rng(args.seed + 2))
    xq01 = torch.from_numpy(xq).permute(0, 3, 1, 2).float() / 255
    xr, xq = normalise(xr, mean, std), normalise(xq, mean, std)
    print(f"{len(imgs)} photos, bank {tuple(bank.shape)} in {time.time() - t0:.0f} s; "
          f"mean {mean.flatten().tolist()} std {std.flatten().tolist()}", flush=True)

    model = ViTEncoder(dim=args.dim, depth=args.depth, k=args.k)
    knn_random = knn_photo_accuracy(model.eval(), xr, yr, xq, yq)
    views_random = view_retrieval(model, xq01, mean, std)
    sigreg = SIGReg()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    warm = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    print(f"training {sum(p.numel() for p in model.parameters())} parameters, {args.steps} steps; "
          f"random init: photo 10-NN {knn_random:.3f}, view top-1 {views_random:.3f}", flush=True)
    log, acc = [], {"pred": 0.0, "sigreg": 0.0}
    for step in range(1, args.steps + 1):
        model.train()
        idx = torch.randint(0, len(data), (args.batch,), generator=gen)
        xb = data[idx].float() / 255
        views = [augment(xb, (0.4, 1.0), gen, mean, std) for _ in range(2)]
        views += [augment(xb, (0.1, 0.4), gen, mean, std) for _ in range(2)]
        z = model(torch.cat(views)).reshape(len(views), args.batch, -1)
        pred = (z - z[:2].mean(0)).square().mean()
        sr = sigreg(z, gen)
        loss = (1 - args.lam) * pred + args.lam * sr
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        acc["pred"] += pred.item()
        acc["sigreg"] += sr.item()
        if step % 100 == 0 or step == args.steps:
            model.eval()
            entry = dict(step=step, seconds=round(time.time() - t0, 1), pred=acc["pred"] / 100,
                         sigreg=acc["sigreg"] / 100, knn10_photo=knn_photo_accuracy(model, xr, yr, xq, yq),
                         view_top1=view_retrieval(model, xq01, mean, std))
            acc = {"pred": 0.0, "sigreg": 0.0}
            log.append(entry)
            print(json.dumps(entry), flush=True)
            save(model, args, mean, std, dict(knn10_photo=knn_random, view_top1=views_random), log, t0, len(imgs))
    print(f"saved {args.out} after {time.time() - t0:.0f} s", flush=True)


def save(model, args, mean, std, random_init, log, t0, n_photos):
    state = {"config": model.config,
             "state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
             "mean": mean.flatten().tolist(), "std": std.flatten().tolist(),
             "train": dict(vars(args), out=None, seconds=round(time.time() - t0, 1), log=log,
                           photos=n_photos, random_init=random_init, chance_photo=1.0 / n_photos)}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(state, args.out)


if __name__ == "__main__":
    main()
