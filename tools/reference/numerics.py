#!/usr/bin/python3
"""PyTorch oracle for grokscope's newer numerics (golden/numerics/).

losses/: crafted logits -> for every loss function and precision, the mean loss, the gradient of the mean
w.r.t. the logits, and the collapse counts (rows whose loss is exactly 0, whose own gradient rounded to
float32 is exactly 0, whose label probability is exactly 1).

<variant>/: a golden model trained a few steps with another loss, precision, optimizer or gradient filter
-> the loss at each step and the parameters after the last. The losses, Grokfast's filters and the
orthogonal gradient are written here from the papers' definitions, independently of grokscope's code:
  StableMax (Prieto et al. 2025): s(x) = x + 1 (x >= 0), 1 / (1 - x) (x < 0); loss -log(s_y / sum s), float64.
  orthogonal gradient: per tensor, g - (w.g / w.w) w, rescaled to the norm of g.
  Grokfast (Lee et al. 2024): EMA s = a s + (1 - a) g (s = g at the first step), g += lamb s; MA: g += lamb *
  mean of the last `window` raw gradients, once the window is full (warmup) or always.

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/numerics.py src/test/resources/golden
"""
import collections
import json
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).parent))
from reference import forward, load_case, penalties  # the independent model definitions

torch.set_num_threads(1)


def stablemax_terms(z):
    return torch.where(z < 0, 1 / (1 - z + 1e-30), z + 1)


def row_losses(fn, precision, z, y):
    """Per-row losses (and the label probability, None for mse) of float32 logits z, in the given precision."""
    x = z.double() if precision == "fp64" else z
    if fn == "cross_entropy":
        ls = F.log_softmax(x, dim=1)
        lp = ls.gather(1, y[:, None])[:, 0]
        return -lp, lp.exp()
    if fn == "stablemax_ce":
        s = stablemax_terms(x)
        p = (s / s.sum(1, keepdim=True)).gather(1, y[:, None])[:, 0]
        return -torch.log(p), p
    err = x - F.one_hot(y, x.shape[1]).to(x.dtype)
    return (err * err).sum(1), None


def mean_loss(fn, precision, z, y):
    rows, _ = row_losses(fn, precision, z, y)
    return rows.mean() / (z.shape[1] if fn == "mse" else 1)


def losses(case_dir):
    doc = json.loads((case_dir / "input.json").read_text())
    n, c = doc["rows"], doc["classes"]
    z0 = torch.tensor(doc["logits"], dtype=torch.float32).view(n, c)
    y = torch.tensor(doc["labels"], dtype=torch.long)
    out = {}
    for fn in ("cross_entropy", "stablemax_ce", "mse"):
        for precision in ("fp64", "fp32"):
            z = z0.clone().requires_grad_(True)
            loss = mean_loss(fn, precision, z, y)
            loss.backward()
            # collapse: each row's own (unscaled) gradient, as float32
            zr = z0.clone().requires_grad_(True)
            rows, p = row_losses(fn, precision, zr, y)
            rows.sum().backward()
            zero_grad = (zr.grad.float() == 0).all(1)
            one = 0 if p is None else int((p == 1).sum())
            out[fn + "/" + precision] = {"loss": loss.item(), "grad": z.grad.flatten().tolist(),
                                         "zero_loss": int((rows.detach() == 0).sum()), "zero_grad": int(zero_grad.sum()),
                                         "softmax_one": one}
    out["torch_version"] = torch.__version__
    (case_dir / "expected.json").write_text(json.dumps(out) + "\n")
    print("wrote", case_dir / "expected.json")


def orthogonalize(P, names):
    for n in names:
        w, g = P[n].detach().flatten(), P[n].grad.flatten()
        go = g - (torch.dot(w, g) / (torch.dot(w, w) + 1e-30)) * w
        P[n].grad.copy_((go * (g.norm() / (go.norm() + 1e-30))).view_as(P[n].grad))


class Filter:
    def __init__(self, spec):
        self.spec, self.ema, self.window = spec, None, collections.deque(maxlen=spec["window"])

    def apply(self, P, names):
        s = self.spec
        if s["kind"] == "ema":
            if self.ema is None:
                self.ema = {n: P[n].grad.clone() for n in names}
            for n in names:
                self.ema[n] = self.ema[n] * s["alpha"] + P[n].grad * (1 - s["alpha"])
                P[n].grad.copy_(P[n].grad + self.ema[n] * s["lamb"])
        elif s["kind"] == "ma":
            self.window.append({n: P[n].grad.clone() for n in names})
            if not s["warmup"] or len(self.window) == s["window"]:
                for n in names:
                    avg = sum(g[n] for g in self.window) / len(self.window)
                    P[n].grad.copy_(P[n].grad + avg * s["lamb"])


def variant(case_dir):
    doc, names, P, tok, y = load_case(case_dir)
    o = doc["optimizer"]
    params = [P[n] for n in names]
    if o["kind"] == "adamw":
        opt = torch.optim.AdamW(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weight_decay"])
    elif o["kind"] == "adam":  # weight decay as torch.optim.Adam: added to the gradient inside the step
        opt = torch.optim.Adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weight_decay"])
    elif o["kind"] == "sgd":
        opt = torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], weight_decay=o["weight_decay"])
    else:
        opt = None  # normalized GD below: theta -= lr * d / |d|, d = (momentum of) g + wd theta, |d| over all parameters
    buf = None
    filt = Filter(o["grokfast"])
    losses = []
    for step in range(doc["steps"]):
        for p in params:
            p.grad = None
        logits = forward(doc, P, tok)
        loss = penalties(doc, P, names, mean_loss(doc["loss"], doc["precision"], logits, y))
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            filt.apply(P, names)
            if o["orthogonal"]:
                orthogonalize(P, names)
            if opt is not None:
                opt.step()
            else:
                d = [p.grad + o["weight_decay"] * p for p in params]
                if o["momentum"]:
                    buf = d if buf is None else [o["momentum"] * b + g for b, g in zip(buf, d)]
                    d = buf
                norm = torch.sqrt(sum((g.double() ** 2).sum() for g in d))
                for p, g in zip(params, d):
                    p -= (o["lr"] / norm).float() * g
    out = {"step_losses": losses, "params_after": {n: P[n].detach().flatten().tolist() for n in names},
           "torch_version": torch.__version__}
    (case_dir / "expected.json").write_text(json.dumps(out) + "\n")
    print("wrote", case_dir / "expected.json")


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/golden") / "numerics"
    for d in sorted(root.iterdir()):
        if (d / "input.json").exists():
            (losses if d.name == "losses" else variant)(d)
