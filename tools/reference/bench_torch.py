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

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(fwd().double(), y)
        loss.backward()
        opt.step()
    return timed(step, warmup, samples), n


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

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(net(torch.cat([E(a), E(b)], 1)).double(), y)
        loss.backward()
        opt.step()
    return timed(step, warmup, samples), n


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


def main():
    warmup, samples = 10, 20
    res = []
    ms, n = nanda(False, warmup, samples)
    res.append(summary("nanda-p113", "ms/step", ms, f"every position, batch {n}"))
    ms, n = nanda(True, warmup, samples)
    res.append(summary("nanda-p113-last", "ms/step", ms, f"last position only, batch {n}"))
    ms, n = mlp(warmup, samples)
    res.append(summary("modadd-mlp", "ms/step", ms, f"dense concat embeddings, batch {n}"))
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
