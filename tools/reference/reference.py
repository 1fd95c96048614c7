#!/usr/bin/python3
"""PyTorch oracle for grokscope's golden tests.

Reads golden/<case>/input.json (model spec, grokscope's initial weights, tokens, labels, optimizer) and
writes golden/<case>/expected.json: logits, loss and gradients at the initial weights, and the losses
and parameters after three torch.optim.AdamW steps. The models are written here from their
definitions, independently of grokscope's code, and compute every position (grokscope's last block
computes only the last one). Linear weights are stored [in, out] as in grokscope, so y = x @ W + b.

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/reference.py src/test/resources/golden
"""
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def act(name, x):
    return {"relu": F.relu, "gelu": F.gelu, "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
            "square": lambda t: t * t, "identity": lambda t: t}[name](x)


def lin(P, name, x):
    y = x @ P[name + ".weight"]
    b = P.get(name + ".bias")
    return y if b is None else y + b


def mlp(spec, P, tok):
    T = tok.shape[1]
    if spec.get("embed_dim") == 0:                                           # one-hot input (Prieto et al.'s MLP)
        V = P["fc1.weight"].shape[0] // T
        x = torch.cat([F.one_hot(tok[:, t], V).to(P["fc1.weight"].dtype) for t in range(T)], dim=1)  # [n, T*V]
    else:
        E = P["embed.weight"]
        x = torch.cat([E[tok[:, t]] for t in range(T)], dim=1)               # [n, T*d]
    h = act(spec["activation"], lin(P, "fc1", x))
    for l in range(2, spec["depth"] + 1):
        h = act(spec["activation"], lin(P, f"fc{l}", h))
    return lin(P, "out", h)


def quadratic(spec, P, tok, p):
    W = P["w.weight"]                                                        # [2p, h]
    pre = W[tok[:, 0]] + W[p + tok[:, 1]]
    return (pre * pre) @ P["v.weight"]


def layer_norm(P, name, x, eps=1e-5):
    return F.layer_norm(x, (x.shape[-1],), P[name + ".weight"], P[name + ".bias"], eps=eps)


def attention(P, pre, x, H):
    n, T, d = x.shape
    dh = d // H
    q = lin(P, pre + "attn.q", x).view(n, T, H, dh).transpose(1, 2)          # [n, H, T, dh]
    k = lin(P, pre + "attn.k", x).view(n, T, H, dh).transpose(1, 2)
    v = lin(P, pre + "attn.v", x).view(n, T, H, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / math.sqrt(dh)
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    s = s.masked_fill(mask, float("-inf"))
    z = (s.softmax(-1) @ v).transpose(1, 2).reshape(n, T, d)
    return lin(P, pre + "attn.o", z)


def transformer(spec, P, tok):
    x = P["embed.weight"][tok] + P["embed.pos"][None]                        # [n, T, d]
    for l in range(spec["layers"]):
        pre = f"blocks.{l}."
        mlp_ = lambda t: lin(P, pre + "mlp.fc2", act(spec["activation"], lin(P, pre + "mlp.fc1", t)))
        if spec["norm"] == "pre":
            x = x + attention(P, pre, layer_norm(P, pre + "ln1", x), spec["heads"])
            x = x + mlp_(layer_norm(P, pre + "ln2", x))
        elif spec["norm"] == "normed_residual":  # Grokfast's and teddykoker's Block: x = ln_1(x); x = x + attn(x)
            x = layer_norm(P, pre + "ln1", x)
            x = x + attention(P, pre, x, spec["heads"])
            x = x + mlp_(layer_norm(P, pre + "ln2", x))
        elif spec["norm"] == "post":
            x = layer_norm(P, pre + "ln1", x + attention(P, pre, x, spec["heads"]))
            x = layer_norm(P, pre + "ln2", x + mlp_(x))
        else:
            x = x + attention(P, pre, x, spec["heads"])
            x = x + mlp_(x)
    if spec["norm"] in ("pre", "normed_residual"):
        x = layer_norm(P, "ln_f", x)
    return x[:, -1] @ P["unembed.weight"]


def masked_mean(x, mask):                                                    # x [n, T, d], mask [n, T]
    m = mask.to(x.dtype)[..., None]
    return (x * m).sum(1) / m.sum(1)


def bag(spec, P, tok):
    h = masked_mean(P["embed.weight"][tok], tok != 0)                          # [n, d], padding (id 0) left out
    for l in range(1, spec["depth"] + 1):
        h = act(spec["activation"], lin(P, f"fc{l}", h))
    return lin(P, "out", h)


def encoder(spec, P, tok):
    """BERT-style (post-LN, eps 1e-12), bidirectional attention with a key padding mask, every position."""
    n, T = tok.shape
    H = spec["heads"]
    pad = (tok == 0)[:, None, None, :]                                       # [n, 1, 1, T]
    x = layer_norm(P, "embed.ln", P["embed.weight"][tok] + P["embed.pos"][None], 1e-12)
    for l in range(spec["layers"]):
        pre = f"layers.{l}."
        d = x.shape[-1]
        dh = d // H
        q = lin(P, pre + "attn.q", x).view(n, T, H, dh).transpose(1, 2)
        k = lin(P, pre + "attn.k", x).view(n, T, H, dh).transpose(1, 2)
        v = lin(P, pre + "attn.v", x).view(n, T, H, dh).transpose(1, 2)
        s = (q @ k.transpose(-1, -2) / math.sqrt(dh)).masked_fill(pad, float("-inf"))
        z = (s.softmax(-1) @ v).transpose(1, 2).reshape(n, T, d)
        x = layer_norm(P, pre + "ln1", x + lin(P, pre + "attn.o", z), 1e-12)
        x = layer_norm(P, pre + "ln2", x + lin(P, pre + "ffn.fc2", act(spec["activation"], lin(P, pre + "ffn.fc1", x))), 1e-12)
    pooled = x[:, 0] if spec["pooling"] == "cls" else masked_mean(x, tok != 0)
    if spec["pooler"]:
        pooled = torch.tanh(lin(P, "pooler", pooled))
    return lin(P, "classifier", pooled)


def on_features(doc, P, tok):
    """Models on a frozen feature table: each example's token is its row; images are stored channels last."""
    spec = doc["model"]
    h, w, c = doc["image_shape"]
    X = torch.tensor(doc["features"], dtype=torch.float32).view(-1, h * w * c)[tok[:, 0]]      # [n, h*w*c]
    a = spec.get("activation", "relu")
    if spec["kind"] == "mlp":
        x, depth = X, spec["depth"]
    else:
        x = X.view(-1, h, w, c).permute(0, 3, 1, 2)                                          # NCHW, as torch convolves
        k, pool = spec.get("kernel", 3), spec.get("pool", 2)
        for l in range(1, len(spec["channels"]) + 1):
            W = P[f"conv{l}.weight"].permute(3, 2, 0, 1)                                     # stored [k, k, in, out]
            x = act(a, F.conv2d(x, W, P[f"conv{l}.bias"], padding=k // 2))
            if pool > 1:
                x = F.max_pool2d(x, pool)
        x = x.permute(0, 2, 3, 1).flatten(1)                                                 # flattened channels last
        depth = spec.get("depth", 1 if spec.get("hidden", 0) else 0)
    for l in range(1, depth + 1):
        x = act(a, lin(P, f"fc{l}", x))
    return lin(P, "out", x)


def forward(doc, P, tok):
    spec = doc["model"]
    kind = spec["kind"]
    if "features" in doc:
        return on_features(doc, P, tok)
    if kind == "mlp":
        return mlp(spec, P, tok)
    if kind == "quadratic":
        return quadratic(spec, P, tok, doc["p"])
    if kind == "bag":
        return bag(spec, P, tok)
    if kind == "encoder":
        return encoder(spec, P, tok)
    return transformer(spec, P, tok)


def penalties(doc, P, names, loss):
    """loss + the explicit penalties: (l2/2)|theta|^2 and linf * max|theta|, over all parameters."""
    flat = torch.cat([P[n].flatten() for n in names])
    if doc["l2"]:
        loss = loss + 0.5 * doc["l2"] * (flat.double() ** 2).sum()
    if doc["linf"]:
        loss = loss + doc["linf"] * flat.abs().max().double()
    return loss


def objective(doc, P, names, logits, labels):
    z = logits.double()
    if doc["loss"] == "mse":
        loss = F.mse_loss(z, F.one_hot(labels, z.shape[1]).double())
    else:
        loss = F.cross_entropy(z, labels)
    return penalties(doc, P, names, loss)


def load_case(case_dir):
    """input.json -> (doc, parameter names, parameters requiring grad, tokens [n, T], labels)."""
    doc = json.loads((case_dir / "input.json").read_text())
    names = [p["name"] for p in doc["params"]]
    P = {p["name"]: torch.tensor(p["values"], dtype=torch.float32).view(p["shape"]).requires_grad_(True) for p in doc["params"]}
    tok = torch.tensor(doc["tokens"], dtype=torch.long).view(-1, doc["seq_len"])
    return doc, names, P, tok, torch.tensor(doc["labels"], dtype=torch.long)


def run(case_dir):
    doc, names, P, tok, labels = load_case(case_dir)

    logits = forward(doc, P, tok)
    loss = objective(doc, P, names, logits, labels)
    loss.backward()
    out = {"logits": logits.detach().flatten().tolist(), "loss": loss.item(),
           "data_loss": objective(dict(doc, l2=0, linf=0), P, names, logits.detach(), labels).item(),
           "grads": {n: P[n].grad.flatten().tolist() for n in names}}

    o = doc["adamw"]
    opt = torch.optim.AdamW([P[n] for n in names], lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weight_decay"])
    losses = []
    for _ in range(o["steps"]):
        opt.zero_grad()
        logits = forward(doc, P, tok)
        loss = objective(doc, P, names, logits, labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out["step_losses"] = losses
    out["params_after"] = {n: P[n].detach().flatten().tolist() for n in names}
    out["torch_version"] = torch.__version__
    (case_dir / "expected.json").write_text(json.dumps(out) + "\n")
    print("wrote", case_dir / "expected.json")


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/golden")
    for d in sorted(root.iterdir()):
        if (d / "input.json").exists() and '"params"' in (d / "input.json").read_text():  # init/ is init_stats.py's
            run(d)
