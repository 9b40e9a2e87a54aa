#!/usr/bin/python3
"""Generates the ONNX fixtures the tests use, with Debian's python3-torch and python3-onnx.

Run once with `/usr/bin/python3 scripts/make-onnx-fixtures.py`; the output is committed, so the
tests do not depend on Python. Everything is seeded, so a rerun gives the same weights.

- e2e/models/tiny-transformer/model.onnx: a 4-layer GPT-style decoder exported by
  torch.onnx.export, whose node names carry module scopes (/layers.0/attn/MatMul).
- e2e/models/external-data/model.onnx + model.onnx.data: a small MLP whose initializers
  live in an external data file.
"""
import os

import onnx
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "models")


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / (d // self.heads) ** 0.5)
        mask = torch.tril(torch.ones(t, t)).view(1, 1, t, t)
        att = att.masked_fill(mask == 0, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.ln_2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class TinyTransformer(nn.Module):
    def __init__(self, vocab=256, dim=32, heads=4, layers=4, context=64):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(context, dim)
        self.layers = nn.ModuleList([Block(dim, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        pos = torch.arange(0, t, dtype=torch.long).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(pos)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.ln_f(x))


def tiny_transformer():
    torch.manual_seed(0)
    model = TinyTransformer().eval()
    out = os.path.join(ROOT, "tiny-transformer")
    os.makedirs(out, exist_ok=True)
    ids = torch.randint(0, 256, (1, 8))
    torch.onnx.export(
        model,
        (ids,),
        os.path.join(out, "model.onnx"),
        input_names=["input_ids"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
        opset_version=14,
        do_constant_folding=True,
    )
    print("tiny-transformer parameters:", sum(p.numel() for p in model.parameters()))


def external_data():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 4)).eval()
    out = os.path.join(ROOT, "external-data")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    torch.onnx.export(model, (torch.randn(1, 16),), path, input_names=["x"], output_names=["y"], opset_version=14)
    proto = onnx.load(path)
    onnx.save_model(proto, path, save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx.data", size_threshold=0)
    print("external-data parameters:", sum(p.numel() for p in model.parameters()))


if __name__ == "__main__":
    tiny_transformer()
    external_data()
