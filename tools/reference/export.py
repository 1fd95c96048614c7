#!/usr/bin/python3
"""PyTorch reads grokscope's checkpoints: golden/export/<case>/model.safetensors is opened with
safetensors.torch.load_file (the safetensors package; Debian's python3-torch does not ship it, so
regenerate.sh runs this in a venv with the safetensors wheel), and the independent model of reference.py
computes the logits of the case's tokens from it -> expected.json.

Run: python tools/reference/export.py src/test/resources/golden
"""
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).parent))
from reference import forward

torch.set_num_threads(1)

root = Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/golden") / "export"
for d in sorted(root.iterdir()):
    doc = json.loads((d / "input.json").read_text())
    P = load_file(str(d / "model.safetensors"))
    tok = torch.tensor(doc["tokens"], dtype=torch.long).view(-1, doc["seq_len"])
    with torch.no_grad():
        logits = forward(doc, P, tok)
    out = {"logits": logits.flatten().tolist(), "tensors": {k: list(v.shape) for k, v in P.items()}, "torch_version": torch.__version__}
    (d / "expected.json").write_text(json.dumps(out) + "\n")
    print("wrote", d / "expected.json")
