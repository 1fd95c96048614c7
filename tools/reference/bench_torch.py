#!/usr/bin/python3
"""PyTorch side of `grokscope bench --compare`: the same workloads, same shapes, same thread budget.

Run:  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tools/reference/bench_torch.py > torch-bench.json
(with Debian's python3-torch + libopenblas0-pthread; both variables at 2 oversubscribe 2 cores).
On CPUs newer than the OpenBLAS build (Debian 12's 0.3.21 does not know Intel's family-6 model 207),
OpenBLAS silently falls back to its SSE3 "Prescott" kernels, 4-5x slower: check with OPENBLAS_VERBOSE=2
and give it its best with OPENBLAS_CORETYPE=SkylakeX (AVX-512) or Haswell (AVX2). The core type in use
is recorded in the output.

Workloads (full-batch fwd + bwd + AdamW step, median ms over measured steps after warm-up):
  nanda-p113       Nanda et al.'s 1-layer transformer as published: every position computed
  nanda-p113-last  the same model computing only what the loss reads (queries, W_O, MLP, unembed at '=')
  modadd-mlp       embeddings (128) of x and y concatenated -> 512 ReLU -> 97, p = 97, 30 % of pairs
  imdb-paper       the CDS paper's 1-layer BERT-style encoder (d 128, 4 heads, FFN 512, GELU, [CLS] + pooler,
                   vocab 30522), batch 128 x 256 tokens, AdamW lr 1e-3 wd 0.01, as BERT implementations run it:
                   padded batch, key padding mask, every position; lengths drawn like grokscope's benchmark
                   (IMDB's own length ventiles, bench/SyntheticText.java), which only grokscope's step depends on
  imdb-paper-cls   the same, computing only what the loss reads: the last layer's query, output projection,
                   norms and feed-forward at [CLS] alone (keys and values still cover every position)
  omnigrok-mnist   Omnigrok's MNIST MLP: 784 -> 200 -> 200 -> 10 ReLU, MSE on one-hot targets, AdamW, a batch of 200
                   drawn from 1,000 images (standard normal values of MNIST's shape: the step depends on shapes only)
  conv-fashion     the conv net of that preset: two 3x3 conv (16, 32 channels, padding 1) + ReLU + 2x2 max-pool
                   stages and a linear head on 28x28x1 images, cross-entropy, AdamW, batch 200 from 1,000
  gemm             C = A @ B for 2048^3 and 11490x128x512 (GFLOP/s)
"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def timed(step, warmup, samples):
    for _ in range(warmup):
        step()
    ms = []
    for _ in range(samples):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def timed_steps(fwd, y, opt, warmup, samples):
    """Full training steps: forward, fp64 cross-entropy, backward, optimizer."""
    def step():
        opt.zero_grad()
        loss = F.cross_entropy(fwd().double(), y)
        loss.backward()
        opt.step()
    return timed(step, warmup, samples)


def nanda(last_only, warmup, samples):
    p, d, H, dm = 113, 128, 4, 512
    dh = d // H
    n = round(0.3 * p * p)
    pairs = torch.randperm(p * p)[:n]
    a, b = pairs // p, pairs % p
    tok = torch.stack([a, b, torch.full_like(a, p)], 1)
    y = (a + b) % p
    P = {k: (torch.randn(*s) / math.sqrt(d)).requires_grad_() for k, s in {
        "E": (p + 1, d), "pos": (3, d), "Q": (d, d), "K": (d, d), "V": (d, d), "O": (d, d),
        "W1": (d, dm), "W2": (dm, d)}.items()}
    P["b1"] = torch.zeros(dm, requires_grad=True)
    P["b2"] = torch.zeros(d, requires_grad=True)
    P["U"] = (torch.randn(d, p) / math.sqrt(p + 1)).requires_grad_()
    opt = torch.optim.AdamW(P.values(), lr=1e-3, betas=(0.9, 0.98), weight_decay=1.0)

    def fwd():
        x = P["E"][tok] + P["pos"]                                  # [n, 3, d]
        k = (x @ P["K"]).view(n, 3, H, dh).transpose(1, 2)
        v = (x @ P["V"]).view(n, 3, H, dh).transpose(1, 2)
        if last_only:
            xq = x[:, -1:]
            q = (xq @ P["Q"]).view(n, 1, H, dh).transpose(1, 2)
            s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)            # causal: the last query sees all
            z = (s.softmax(-1) @ v).transpose(1, 2).reshape(n, 1, d)
            x = xq + z @ P["O"]
            x = x + F.relu(x @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]
            return x[:, -1] @ P["U"]
        q = (x @ P["Q"]).view(n, 3, H, dh).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
        s = s.masked_fill(torch.triu(torch.ones(3, 3, dtype=torch.bool), 1), float("-inf"))
        z = (s.softmax(-1) @ v).transpose(1, 2).reshape(n, 3, d)
        x = x + z @ P["O"]
        x = x + F.relu(x @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]
        return (x @ P["U"])[:, -1]

    return timed_steps(fwd, y, opt, warmup, samples), n


def mlp(warmup, samples):
    p, d, h = 97, 128, 512
    n = round(0.3 * p * p)
    pairs = torch.randperm(p * p)[:n]
    a, b = pairs // p, pairs % p
    y = (a + b) % p
    E = torch.nn.Embedding(p, d)
    net = torch.nn.Sequential(torch.nn.Linear(2 * d, h), torch.nn.ReLU(), torch.nn.Linear(h, p))
    params = list(E.parameters()) + list(net.parameters())
    opt = torch.optim.AdamW(params, lr=3e-3, betas=(0.9, 0.98), weight_decay=1.0)

    return timed_steps(lambda: net(torch.cat([E(a), E(b)], 1)), y, opt, warmup, samples), n


def images(n=1000):
    """Standard normal values of MNIST's shape, balanced labels (grokscope's bench/SyntheticImages.java)."""
    return torch.randn(n, 1, 28, 28), torch.arange(n) % 10


def minibatch_steps(net, X, y, loss_fn, warmup, samples, batch=200):
    """Full training steps on a fresh random batch each: forward, fp64 loss, backward, AdamW."""
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=0.01)

    def step():
        idx = torch.randint(0, X.shape[0], (batch,))
        opt.zero_grad()
        loss = loss_fn(net(X[idx]).double(), y[idx])
        loss.backward()
        opt.step()
    return timed(step, warmup, samples), batch


def omnigrok_mlp(warmup, samples):
    X, y = images()
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 200), torch.nn.ReLU(), torch.nn.Linear(200, 200), torch.nn.ReLU(),
                              torch.nn.Linear(200, 10))
    return minibatch_steps(net, X, y, lambda z, t: F.mse_loss(z, F.one_hot(t, 10).double()), warmup, samples)


def conv_net(warmup, samples):
    X, y = images()
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 32, 10))
    return minibatch_steps(net, X, y, F.cross_entropy, warmup, samples)


# lengths (with [CLS]) at the 0, 5, ..., 100th percentiles of imdb-paper's 24,139 training reviews (word tokenizer)
IMDB_LENGTH_VENTILES = [9, 64, 84, 103, 120, 130, 137, 143, 149, 154, 159, 165, 172, 180, 188, 197, 206, 217, 229, 242, 256]


def imdb_lengths(n):
    u = torch.rand(n) * 20
    i = u.floor().clamp(max=19).long()
    v = torch.tensor(IMDB_LENGTH_VENTILES, dtype=torch.float)
    return (v[i] + (u - i) * (v[i + 1] - v[i])).round().long()


def encoder(cls_only, warmup, samples):
    V, T, d, H, dff, n = 30522, 256, 128, 4, 512, 128
    dh = d // H
    lengths = imdb_lengths(n)
    pos = torch.arange(T)[None, :]
    tok = torch.randint(3, V, (n, T)).masked_fill(pos >= lengths[:, None], 0)
    tok[:, 0] = 2
    y = torch.arange(n) % 2
    pad = (tok == 0)[:, None, None, :]                                  # [n, 1, 1, T]
    emb = torch.nn.Embedding(V, d)
    posE = torch.nn.Parameter(torch.randn(T, d) * 0.02)
    lnE, ln1, ln2 = (torch.nn.LayerNorm(d, eps=1e-12) for _ in range(3))
    q, k, v, o = (torch.nn.Linear(d, d) for _ in range(4))
    fc1, fc2, pooler, cls = torch.nn.Linear(d, dff), torch.nn.Linear(dff, d), torch.nn.Linear(d, d), torch.nn.Linear(d, 2)
    mods = [emb, lnE, ln1, ln2, q, k, v, o, fc1, fc2, pooler, cls]
    params = [posE] + [p for m in mods for p in m.parameters()]
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)

    def fwd():
        x = lnE(emb(tok) + posE)                                        # [n, T, d]
        kk = k(x).view(n, T, H, dh).transpose(1, 2)
        vv = v(x).view(n, T, H, dh).transpose(1, 2)
        xq = x[:, :1] if cls_only else x
        tq = xq.shape[1]
        qq = q(xq).view(n, tq, H, dh).transpose(1, 2)
        s = (qq @ kk.transpose(-1, -2) / math.sqrt(dh)).masked_fill(pad, float("-inf"))
        z = (s.softmax(-1) @ vv).transpose(1, 2).reshape(n, tq, d)
        x = ln1(xq + o(z))
        x = ln2(x + fc2(F.gelu(fc1(x))))
        return cls(torch.tanh(pooler(x[:, 0])))

    return timed_steps(fwd, y, opt, warmup, samples), n


def gemm(m, k, n, samples):
    A, B = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3):
        A @ B
    t_end = time.perf_counter() + 1.5
    while time.perf_counter() < t_end:
        A @ B
    gf = []
    for _ in range(samples):
        t0 = time.perf_counter()
        A @ B
        gf.append(2 * m * n * k / (time.perf_counter() - t0) / 1e9)
    return gf


def summary(name, unit, xs, detail):
    xs = sorted(xs)
    return {"name": name, "unit": unit, "median": statistics.median(xs), "min": xs[0], "max": xs[-1],
            "samples": len(xs), "detail": detail}


WORKLOADS = ("nanda-p113", "nanda-p113-last", "modadd-mlp", "imdb-paper", "imdb-paper-cls", "omnigrok-mnist", "conv-fashion", "gemm")


def main():
    # --only a,b: just these workloads (under load the every-position encoder step takes seconds)
    only = WORKLOADS
    if len(sys.argv) == 3 and sys.argv[1] == "--only":
        only = tuple(sys.argv[2].split(","))
        bad = [w for w in only if w not in WORKLOADS]
        if bad:
            sys.exit(f"bench_torch.py: unknown workload(s) {', '.join(bad)} (known: {', '.join(WORKLOADS)})")
    elif len(sys.argv) != 1:
        sys.exit("usage: bench_torch.py [--only " + ",".join(WORKLOADS) + "]")
    warmup, samples = 10, 20
    steps = [  # name, timed step, its argument, detail (n: the batch)
        ("nanda-p113", nanda, False, "every position, batch {n}"),
        ("nanda-p113-last", nanda, True, "last position only, batch {n}"),
        ("modadd-mlp", lambda _, w, s: mlp(w, s), None, "dense concat embeddings, batch {n}"),
        ("imdb-paper", encoder, False, "every position, padded, batch {n} x 256"),
        ("imdb-paper-cls", encoder, True, "[CLS] query only in the last layer, padded, batch {n} x 256"),
        ("omnigrok-mnist", lambda _, w, s: omnigrok_mlp(w, s), None, "MLP 784-200-200-10, MSE, batch {n} of 1,000"),
        ("conv-fashion", lambda _, w, s: conv_net(w, s), None, "conv 16-32 + pool, linear head, batch {n} of 1,000"),
    ]
    res = []
    for name, step, arg, detail in steps:
        if name in only:
            ms, n = step(arg, warmup, samples)
            res.append(summary(name, "ms/step", ms, detail.format(n=n)))
    if "gemm" in only:
        res.append(summary("gemm 2048x2048x2048", "GFLOP/s", gemm(2048, 2048, 2048, 7), "torch.matmul"))
        res.append(summary("gemm 11490x128x512", "GFLOP/s", gemm(11490, 128, 512, 15), "torch.matmul"))
    doc = {"provenance": {"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                          "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
                          "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
                          "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(auto)"),
                          "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
                          "blas": torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "?"},
           "results": res}
    json.dump(doc, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
