#!/usr/bin/python3
"""Generates the PyTorch checkpoint fixtures the tests use, with Debian's python3-torch.

Run once with `/usr/bin/python3 scripts/make-pytorch-fixtures.py`; the output is committed, so the
tests never call Python. Everything is seeded, so a rerun gives the same tensors (the legacy
format names storages by memory address, so those files' bytes differ from run to run).

Safe fixtures are written by torch.save / torch.jit.save themselves. Hostile fixtures are written
as raw pickle opcodes by `op` below: nothing dangerous is ever pickled from a real callable, and
no fixture is ever loaded.

e2e/models/pytorch/expected.json records, for every fixture, what PyTorch reports (names,
dtypes, shapes, strides, storage offsets, and the sha256 of each tensor's contiguous bytes;
bf16 is hashed through `view(torch.int16)` since numpy has no bf16), and for hostile fixtures
the verdict and the imports a scanner must name.
"""
import hashlib
import json
import os
import random
import shutil
import struct
import zipfile

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "models", "pytorch")

DTYPE_NAMES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
    torch.complex64: "C64",
}

expected = {}


def path(name):
    full = os.path.join(ROOT, name)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def flatten(obj, prefix=""):
    """Tensors of a nested state dict, named as Loupe names them: dict keys and list indices joined by dots."""
    if isinstance(obj, torch.Tensor):
        yield (prefix or "tensor"), obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            yield from flatten(value, f"{prefix}.{index}" if prefix else str(index))


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def describe(obj):
    named = list(flatten(obj))
    storages = {}
    for name, t in named:
        storages.setdefault(t.storage().data_ptr(), []).append(name)
    out = []
    for name, t in named:
        entry = {
            "name": name,
            "dtype": DTYPE_NAMES[t.dtype],
            "shape": list(t.shape),
            "stride": list(t.stride()),
            "storageOffset": t.storage_offset(),
            "contiguous": t.is_contiguous(),
            "sha256": hashlib.sha256(tensor_bytes(t)).hexdigest(),
        }
        shared = [other for other in storages[t.storage().data_ptr()] if other != name]
        if shared:
            entry["sharedWith"] = shared
        out.append(entry)
    return out


def save(name, obj, protocol=2, legacy=False, container=None):
    torch.save(obj, path(name), pickle_protocol=protocol, _use_new_zipfile_serialization=not legacy)
    expected[name] = {
        "container": container or ("legacy" if legacy else "zip"),
        "protocol": protocol,
        "verdict": "safe",
        "tensors": describe(obj),
    }


# ---- raw opcodes for hostile pickles (pickletools names) ----

def op(name, *args):
    codes = {
        "PROTO": b"\x80", "GLOBAL": b"c", "BINUNICODE": b"X", "SHORT_BINUNICODE": b"\x8c", "TUPLE1": b"\x85",
        "REDUCE": b"R", "STOP": b".", "BINPUT": b"q", "BINGET": b"h", "POP": b"0", "STACK_GLOBAL": b"\x93",
        "EMPTY_TUPLE": b")", "NEWOBJ": b"\x81", "EMPTY_DICT": b"}", "BININT1": b"K", "SETITEM": b"s",
        "BUILD": b"b", "EMPTY_LIST": b"]", "APPEND": b"a",
    }
    code = codes[name]
    if name == "PROTO":
        return code + bytes([args[0]])
    if name == "GLOBAL":
        return code + args[0].encode() + b"\n" + args[1].encode() + b"\n"
    if name == "BINUNICODE":
        data = args[0].encode()
        return code + struct.pack("<I", len(data)) + data
    if name == "SHORT_BINUNICODE":
        data = args[0].encode()
        return code + bytes([len(data)]) + data
    if name in ("BINPUT", "BINGET", "BININT1"):
        return code + bytes([args[0]])
    return code


def call_global(module, name, argument):
    """`module.name(argument)` as GLOBAL + REDUCE, the shape of a classic malicious pickle."""
    return (
        op("PROTO", 2) + op("GLOBAL", module, name) + op("BINPUT", 0)
        + op("BINUNICODE", argument) + op("TUPLE1") + op("REDUCE") + op("STOP")
    )


def hostile(name, data, verdict, imports, container="pickle"):
    with open(path(name), "wb") as f:
        f.write(data)
    expected[name] = {"container": container, "verdict": verdict, "imports": imports}


def rewrite_zip(source, target, extra=(), bomb=None):
    """Copies a torch.save zip member by member (STORED), adding `extra` members and an optional deflated bomb."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            zout.writestr(out, zin.read(info.filename), compress_type=zipfile.ZIP_STORED)
        for member, data in extra:
            zout.writestr(zipfile.ZipInfo(member, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_STORED)
        if bomb is not None:
            member, size = bomb
            info = zipfile.ZipInfo(member, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(info, "w", force_zip64=False) as f:
                chunk = bytes(1 << 20)
                for _ in range(size >> 20):
                    f.write(chunk)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.norm = nn.LayerNorm(8)
        self.fc2 = nn.Linear(8, 3)
        self.register_buffer("steps", torch.tensor([7, 11], dtype=torch.int64))

    def forward(self, x):
        return self.fc2(torch.relu(self.norm(self.fc1(x))))


class ScriptNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.register_buffer("scale", torch.full((3,), 0.5))

    def forward(self, x):
        return self.fc(x) * self.scale


def tiny_llama():
    """A state dict named like transformers' LlamaForCausalLM, for the config.json beside it."""
    hidden, inter, layers, vocab, kv = 16, 32, 2, 32, 8
    sd = {"model.embed_tokens.weight": torch.randn(vocab, hidden)}
    for i in range(layers):
        p = f"model.layers.{i}."
        sd[p + "self_attn.q_proj.weight"] = torch.randn(hidden, hidden)
        sd[p + "self_attn.k_proj.weight"] = torch.randn(kv, hidden)
        sd[p + "self_attn.v_proj.weight"] = torch.randn(kv, hidden)
        sd[p + "self_attn.o_proj.weight"] = torch.randn(hidden, hidden)
        sd[p + "mlp.gate_proj.weight"] = torch.randn(inter, hidden)
        sd[p + "mlp.up_proj.weight"] = torch.randn(inter, hidden)
        sd[p + "mlp.down_proj.weight"] = torch.randn(hidden, inter)
        sd[p + "input_layernorm.weight"] = torch.ones(hidden)
        sd[p + "post_attention_layernorm.weight"] = torch.ones(hidden)
    sd["model.norm.weight"] = torch.ones(hidden)
    sd["lm_head.weight"] = torch.randn(vocab, hidden)
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": hidden,
        "intermediate_size": inter,
        "num_hidden_layers": layers,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": vocab,
        "max_position_embeddings": 64,
        "rms_norm_eps": 1e-6,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
    }
    return sd, config


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    torch.manual_seed(0)
    random.seed(0)

    net = TinyNet()
    sd = net.state_dict()
    save("state-dict-zip.pt", sd)
    save("state-dict-legacy.pt", sd, legacy=True)
    save("protocol-4.pt", sd, protocol=4)
    save("protocol-5.pt", sd, protocol=5)
    save("legacy-protocol-4.pt", sd, protocol=4, legacy=True)

    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net(torch.randn(2, 4)).sum().backward()
    opt.step()
    save("checkpoint.pt", {"model": net.state_dict(), "optimizer": opt.state_dict(), "epoch": 3})

    save("dtypes.pt", {
        "bf16": torch.randn(3, 4).bfloat16(),
        "f16": torch.randn(5).half(),
        "f64": torch.randn(2, 2).double(),
        "i64": torch.arange(6).reshape(2, 3),
        "i32": torch.arange(-3, 3, dtype=torch.int32),
        "i16": torch.tensor([-300, 300], dtype=torch.int16),
        "i8": torch.tensor([-5, 5, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "c64": torch.randn(2, dtype=torch.complex64),
    })

    embed = torch.randn(10, 4)
    save("tied-weights.pt", {"embed.weight": embed, "lm_head.weight": embed, "rows": embed[2:5]})
    legacy_tied = torch.randn(6, 2)
    save("tied-weights-legacy.pt", {"a": legacy_tied, "b": legacy_tied.t()}, legacy=True)

    base = torch.randn(4, 6)
    save("views.pt", {
        "transposed": base.t(),
        "rows": base[1:3],
        "every_other": base[:, ::2],
        "narrow": torch.randn(8)[3:7],
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "expanded_bf16": torch.randn(3, 1).bfloat16().expand(3, 4),
    })
    save("views-legacy.pt", {"transposed": base.t(), "rows": base[1:3]}, legacy=True)

    script = torch.jit.script(ScriptNet())
    torch.jit.save(script, path("torchscript.pt"))
    expected["torchscript.pt"] = {
        "container": "torchscript",
        "verdict": "suspicious",
        "tensors": describe(dict(script.state_dict())),
    }

    # A transformers-style folder: pytorch_model.bin and config.json.
    llama, config = tiny_llama()
    save("tiny-bin/pytorch_model.bin", llama)
    with open(path("tiny-bin/config.json"), "w") as f:
        json.dump(config, f, indent=2)

    # The same weights sharded in two, with the index transformers writes.
    names = list(llama)
    half = len(names) // 2
    weight_map = {}
    total = 0
    for i, part in enumerate([names[:half], names[half:]], start=1):
        shard = f"pytorch_model-0000{i}-of-00002.bin"
        save(f"sharded/{shard}", {n: llama[n] for n in part})
        for n in part:
            weight_map[n] = shard
            total += llama[n].numel() * llama[n].element_size()
    with open(path("sharded/pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    with open(path("sharded/config.json"), "w") as f:
        json.dump(config, f, indent=2)

    # Real torch.save output that is not weights-only: numpy scalars, and a whole pickled module.
    with_numpy = {"weight": torch.randn(2), "best_acc": np.float64(0.75)}
    torch.save(with_numpy, path("suspicious/numpy-scalar.pt"))
    expected["suspicious/numpy-scalar.pt"] = {
        "container": "zip",
        "verdict": "suspicious",
        "imports": ["numpy.core.multiarray.scalar", "numpy.dtype"],
        "tensors": describe({"weight": with_numpy["weight"]}),
    }
    torch.save(net, path("suspicious/whole-module.pt"))
    expected["suspicious/whole-module.pt"] = {
        "container": "zip",
        "verdict": "suspicious",
        "imports": ["__main__.TinyNet", "torch.nn.modules.linear.Linear"],
        "tensors": describe(net.state_dict()),
    }

    # ---- hostile: raw opcodes, never pickled from real callables ----
    hostile("hostile/os-system-global.pkl", call_global("os", "system", "echo pwned"), "unsafe", ["os.system"])
    memo_names = (
        op("PROTO", 4)
        + op("SHORT_BINUNICODE", "os") + op("BINPUT", 0) + op("POP")
        + op("SHORT_BINUNICODE", "system") + op("BINPUT", 1) + op("POP")
        + op("EMPTY_DICT")
        + op("SHORT_BINUNICODE", "payload")
        + op("BINGET", 0) + op("BINGET", 1) + op("STACK_GLOBAL")
        + op("SHORT_BINUNICODE", "id") + op("TUPLE1") + op("REDUCE")
        + op("SETITEM") + op("STOP")
    )
    hostile("hostile/stack-global-memo.pkl", memo_names, "unsafe", ["os.system"])
    hostile("hostile/posix-system.pkl", call_global("posix", "system", "id"), "unsafe", ["posix.system"])
    hostile("hostile/builtins-eval.pkl", call_global("builtins", "eval", "__import__('os').system('id')"), "unsafe", ["builtins.eval"])
    hostile("hostile/pip-main.pkl", call_global("pip", "main", "install"), "unsafe", ["pip.main"])
    prefix = call_global("os", "system", "id")[:-1]  # no STOP
    garbage = bytes([0xFF]) + bytes(random.getrandbits(8) for _ in range(256))
    hostile("hostile/prefix-then-garbage.pkl", prefix + garbage, "unsafe", ["os.system"])
    main_class = (
        op("PROTO", 2) + op("GLOBAL", "__main__", "MyConfig") + op("EMPTY_TUPLE") + op("NEWOBJ")
        + op("EMPTY_DICT") + op("BINUNICODE", "hidden") + op("BININT1", 16) + op("SETITEM") + op("BUILD") + op("STOP")
    )
    hostile("hostile/main-class.pkl", main_class, "suspicious", ["__main__.MyConfig"])
    hostile("hostile/pickle-named.safetensors", call_global("subprocess", "Popen", "id"), "unsafe", ["subprocess.Popen"])

    small = {"w": torch.arange(4, dtype=torch.float32)}
    # A payload in a member whose name is not a pickle's, which data.pkl never references.
    torch.save(small, path("hostile/hidden-storage.pt"))
    staging = path("hostile/staging.zip")
    rewrite_zip(path("hostile/hidden-storage.pt"), staging, extra=[("hidden-storage/data/99", call_global("os", "system", "id"))])
    os.replace(staging, path("hostile/hidden-storage.pt"))
    expected["hostile/hidden-storage.pt"] = {"container": "zip", "verdict": "unsafe", "imports": ["os.system"], "tensors": describe(small)}
    torch.save(small, path("hostile/extra-pickle.pt"))
    rewrite_zip(path("hostile/extra-pickle.pt"), staging, extra=[("extra-pickle/extra.pkl", call_global("builtins", "exec", "import os"))])
    os.replace(staging, path("hostile/extra-pickle.pt"))
    expected["hostile/extra-pickle.pt"] = {"container": "zip", "verdict": "unsafe", "imports": ["builtins.exec"], "tensors": describe(small)}

    # A deflated member of 32 MiB of zeros (a ratio near 1000): enough to trip the bound, small to commit.
    torch.save(small, path("hostile/zip-bomb.pt"))
    rewrite_zip(path("hostile/zip-bomb.pt"), staging, bomb=("zip-bomb/data/1", 32 << 20))
    os.replace(staging, path("hostile/zip-bomb.pt"))
    expected["hostile/zip-bomb.pt"] = {"container": "zip", "verdict": "unsafe", "imports": [], "bomb": "zip-bomb/data/1"}

    # data.pkl with one byte changed after the CRC was written.
    torch.save(small, path("hostile/bad-crc.pt"))
    with open(path("hostile/bad-crc.pt"), "r+b") as f:
        data = bytearray(f.read())
        at = data.index(b"X\x01\x00\x00\x00w") + 5
        data[at] = ord("v")
        f.seek(0)
        f.write(data)
    expected["hostile/bad-crc.pt"] = {"error": "FormatError", "field": "bad-crc/data.pkl"}

    with open(path("expected.json"), "w") as f:
        json.dump({"fixtures": expected}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
