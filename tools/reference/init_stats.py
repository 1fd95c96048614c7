#!/usr/bin/python3
"""PyTorch's initializers, sampled: what grokscope's init schemes must match in distribution.

For each (scheme, role, shape) in golden/init/input.json, torch initializes a tensor the way the papers' code
does and reports its mean, standard deviation, minimum and maximum -> golden/init/expected.json.
  pytorch: nn.Linear's default (weights and biases U(+-1/sqrt(fan_in))), nn.Embedding's N(0, 1)
  kaiming: nn.init.kaiming_normal_ (fan_in, ReLU gain: N(0, 2/fan_in)), biases 0
  normal:  nn.init.normal_(std) for weights and embeddings (HF's initializer_range), biases 0
  nanda:   Nanda et al.'s code: randn / sqrt(d_model), the unembedding randn / sqrt(d_vocab)

Run: /usr/bin/python3 tools/reference/init_stats.py src/test/resources/golden
"""
import json
import math
import sys
from pathlib import Path

import torch

torch.manual_seed(0)


def sample(case):
    fan_in, shape, role, scheme = case["fan_in"], case["shape"], case["role"], case["scheme"]
    if role == "EMBEDDING":
        if scheme in ("pytorch", "kaiming"):
            return torch.nn.Embedding(shape[0], shape[1]).weight.detach()
        if scheme == "normal":
            return torch.nn.init.normal_(torch.empty(shape), std=case["std"])
        return torch.randn(shape) / math.sqrt(case["d_model"])
    if role == "BIAS":
        if scheme == "pytorch":
            return torch.nn.Linear(fan_in, shape[0]).bias.detach()
        return torch.zeros(shape)
    # weights, stored [in, out] by grokscope: torch's Linear holds [out, in]
    if scheme == "pytorch":
        return torch.nn.Linear(fan_in, shape[1]).weight.detach().t()
    if scheme == "kaiming":
        return torch.nn.init.kaiming_normal_(torch.empty(shape[1], fan_in), nonlinearity="relu").t()
    if scheme == "normal":
        return torch.nn.init.normal_(torch.empty(shape), std=case["std"])
    return torch.randn(shape) / math.sqrt(case["d_vocab"] if role == "UNEMBEDDING" else case["d_model"])


root = Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/golden") / "init"
cases = json.loads((root / "input.json").read_text())["cases"]
out = []
for c in cases:
    t = sample(c).double()
    out.append({"mean": t.mean().item(), "std": t.std().item(), "min": t.min().item(), "max": t.max().item(), "n": t.numel()})
(root / "expected.json").write_text(json.dumps({"stats": out, "torch_version": torch.__version__}) + "\n")
print("wrote", root / "expected.json")
