#!/usr/bin/python3
"""Generates the ONNX fixtures the tests use, with Debian's python3-torch and python3-onnx.

Run once with `/usr/bin/python3 scripts/make-onnx-fixtures.py`; the output is committed, so the
tests do not depend on Python. Everything is seeded, so a rerun gives the same weights.

- e2e/models/tiny-transformer/model.onnx: a 4-layer GPT-style decoder exported by
  torch.onnx.export, whose node names carry module scopes (/layers.0/attn/MatMul).
- e2e/models/external-data/model.onnx + model.onnx.data: a small MLP whose initializers
  live in an external data file.
- e2e/models/tiny-bert/model.onnx: a 2-layer BERT encoder whose modules are named and wired
  as Hugging Face's BertModel, so its node names carry the same scopes
  (/encoder/layer.0/attention/self/query/MatMul).
- e2e/models/tiny-llama-onnx/model.onnx: a 4-layer Llama (RMSNorm, rotary embeddings, grouped
  KV heads, SiLU MLP) named and wired as Hugging Face's LlamaForCausalLM.

Hugging Face's transformers is not installable here, so the BERT and the Llama are written out
below after its modeling_bert.py and modeling_llama.py; what the exporter sees is the same kind
of code, so the graphs have the same kinds of nodes (Constant, Shape arithmetic, Slice, Cast).

Pass fixture names to make only those: `scripts/make-onnx-fixtures.py tiny-bert tiny-llama-onnx`.
"""
import math
import os
import sys
from collections import Counter

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


# --- tiny BERT, after transformers' modeling_bert.py ---------------------------------------


class BertEmbeddings(nn.Module):
    def __init__(self, vocab, dim, max_positions, type_vocab):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, dim, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_positions, dim)
        self.token_type_embeddings = nn.Embedding(type_vocab, dim)
        self.LayerNorm = nn.LayerNorm(dim, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(max_positions).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.size()[1]
        position_ids = self.position_ids[:, 0:seq_length]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.num_attention_heads = heads
        self.attention_head_size = dim // heads
        self.all_head_size = dim
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(0.1)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = self.dropout(nn.functional.softmax(attention_scores, dim=-1))
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_context_layer_shape)


class BertSelfOutput(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dense = nn.Linear(dim, dim)
        self.LayerNorm = nn.LayerNorm(dim, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.self = BertSelfAttention(dim, heads)
        self.output = BertSelfOutput(dim)

    def forward(self, hidden_states, attention_mask):
        return self.output(self.self(hidden_states, attention_mask), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, dim, intermediate):
        super().__init__()
        self.dense = nn.Linear(dim, intermediate)
        self.intermediate_act_fn = nn.GELU()

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, dim, intermediate):
        super().__init__()
        self.dense = nn.Linear(intermediate, dim)
        self.LayerNorm = nn.LayerNorm(dim, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, dim, heads, intermediate):
        super().__init__()
        self.attention = BertAttention(dim, heads)
        self.intermediate = BertIntermediate(dim, intermediate)
        self.output = BertOutput(dim, intermediate)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, dim, heads, intermediate, layers):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(dim, heads, intermediate) for _ in range(layers)])

    def forward(self, hidden_states, attention_mask):
        for layer_module in self.layer:
            hidden_states = layer_module(hidden_states, attention_mask)
        return hidden_states


class BertPooler(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dense = nn.Linear(dim, dim)
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    def __init__(self, vocab=128, dim=32, heads=2, intermediate=64, layers=2, max_positions=64, type_vocab=2):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab, dim, max_positions, type_vocab)
        self.encoder = BertEncoder(dim, heads, intermediate, layers)
        self.pooler = BertPooler(dim)

    def forward(self, input_ids, attention_mask, token_type_ids):
        # get_extended_attention_mask: 0 where attended, the dtype's minimum where masked.
        extended_attention_mask = attention_mask[:, None, None, :].to(dtype=torch.float32)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(torch.float32).min
        sequence_output = self.encoder(self.embeddings(input_ids, token_type_ids), extended_attention_mask)
        return sequence_output, self.pooler(sequence_output)


# --- tiny Llama, after transformers' modeling_llama.py --------------------------------------


class LlamaRMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, head_dim, base=10000.0):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, x, position_ids):
        inv_freq_expanded = self.inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
        position_ids_expanded = position_ids[:, None, :].float()
        freqs = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(dtype=x.dtype), emb.sin().to(dtype=x.dtype)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def repeat_kv(hidden_states, n_rep):
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)


class LlamaAttention(nn.Module):
    def __init__(self, dim, heads, kv_heads):
        super().__init__()
        self.head_dim = dim // heads
        self.num_key_value_groups = heads // kv_heads
        self.scaling = self.head_dim**-0.5
        self.q_proj = nn.Linear(dim, heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(heads * self.head_dim, dim, bias=False)

    def forward(self, hidden_states, position_embeddings, attention_mask):
        input_shape = hidden_states.shape[:-1]
        hidden_shape = (*input_shape, -1, self.head_dim)
        query_states = self.q_proj(hidden_states).view(hidden_shape).transpose(1, 2)
        key_states = self.k_proj(hidden_states).view(hidden_shape).transpose(1, 2)
        value_states = self.v_proj(hidden_states).view(hidden_shape).transpose(1, 2)
        cos, sin = position_embeddings
        query_states, key_states = apply_rotary_pos_emb(query_states, key_states, cos, sin)
        # eager_attention_forward
        key_states = repeat_kv(key_states, self.num_key_value_groups)
        value_states = repeat_kv(value_states, self.num_key_value_groups)
        attn_weights = torch.matmul(query_states, key_states.transpose(2, 3)) * self.scaling
        causal_mask = attention_mask[:, :, :, : key_states.shape[-2]]
        attn_weights = attn_weights + causal_mask
        attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(query_states.dtype)
        attn_output = torch.matmul(attn_weights, value_states).transpose(1, 2).contiguous()
        attn_output = attn_output.reshape(*input_shape, -1).contiguous()
        return self.o_proj(attn_output)


class LlamaMLP(nn.Module):
    def __init__(self, dim, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(dim, intermediate, bias=False)
        self.up_proj = nn.Linear(dim, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, dim, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, dim, heads, kv_heads, intermediate):
        super().__init__()
        self.self_attn = LlamaAttention(dim, heads, kv_heads)
        self.mlp = LlamaMLP(dim, intermediate)
        self.input_layernorm = LlamaRMSNorm(dim)
        self.post_attention_layernorm = LlamaRMSNorm(dim)

    def forward(self, hidden_states, position_embeddings, attention_mask):
        residual = hidden_states
        hidden_states = self.self_attn(self.input_layernorm(hidden_states), position_embeddings, attention_mask)
        hidden_states = residual + hidden_states
        residual = hidden_states
        return residual + self.mlp(self.post_attention_layernorm(hidden_states))


class LlamaModel(nn.Module):
    def __init__(self, vocab, dim, heads, kv_heads, intermediate, layers):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList([LlamaDecoderLayer(dim, heads, kv_heads, intermediate) for _ in range(layers)])
        self.norm = LlamaRMSNorm(dim)
        self.rotary_emb = LlamaRotaryEmbedding(dim // heads)

    def causal_mask(self, attention_mask, input_tensor, cache_position):
        # _prepare_4d_causal_attention_mask_with_cache_position, without a KV cache.
        dtype = input_tensor.dtype
        min_dtype = torch.finfo(dtype).min
        sequence_length = input_tensor.shape[1]
        target_length = attention_mask.shape[-1]
        batch_size = input_tensor.shape[0]
        causal_mask = torch.full((sequence_length, target_length), fill_value=min_dtype, dtype=dtype)
        causal_mask = torch.triu(causal_mask, diagonal=1)
        causal_mask = causal_mask * (torch.arange(target_length) > cache_position.reshape(-1, 1))
        causal_mask = causal_mask[None, None, :, :].expand(batch_size, 1, -1, -1)
        causal_mask = causal_mask.clone()
        mask_length = attention_mask.shape[-1]
        padding_mask = causal_mask[:, :, :, :mask_length] + attention_mask[:, None, None, :]
        padding_mask = padding_mask == 0
        causal_mask[:, :, :, :mask_length] = causal_mask[:, :, :, :mask_length].masked_fill(padding_mask, min_dtype)
        return causal_mask

    def forward(self, input_ids, attention_mask):
        inputs_embeds = self.embed_tokens(input_ids)
        cache_position = torch.arange(0, inputs_embeds.shape[1])
        position_ids = cache_position.unsqueeze(0)
        causal_mask = self.causal_mask(attention_mask, inputs_embeds, cache_position)
        hidden_states = inputs_embeds
        position_embeddings = self.rotary_emb(hidden_states, position_ids)
        for decoder_layer in self.layers:
            hidden_states = decoder_layer(hidden_states, position_embeddings, causal_mask)
        return self.norm(hidden_states)


class LlamaForCausalLM(nn.Module):
    def __init__(self, vocab=128, dim=32, heads=4, kv_heads=2, intermediate=64, layers=4):
        super().__init__()
        self.model = LlamaModel(vocab, dim, heads, kv_heads, intermediate, layers)
        self.lm_head = nn.Linear(dim, vocab, bias=False)

    def forward(self, input_ids, attention_mask):
        return self.lm_head(self.model(input_ids, attention_mask))


def describe(name, path):
    """Prints the node counts the graph view is measured on: all nodes, and the Constants and Identities it folds."""
    graph = onnx.load(path).graph
    ops = Counter(node.op_type for node in graph.node)
    initializers = {i.name for i in graph.initializer}
    initializer_identities = sum(1 for n in graph.node if n.op_type == "Identity" and n.input[0] in initializers)
    print(
        f"{name}: {len(graph.node)} nodes, {ops['Constant']} Constant, {ops['Identity']} Identity "
        f"({initializer_identities} of an initializer), {os.path.getsize(path)} bytes"
    )


# Opset 17, as Hugging Face's exports use: LayerNorm is one LayerNormalization node.
def tiny_bert():
    torch.manual_seed(2)
    model = BertModel().eval()
    out = os.path.join(ROOT, "tiny-bert")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    ids = torch.randint(1, 128, (1, 8))
    mask = torch.ones(1, 8, dtype=torch.long)
    types = torch.zeros(1, 8, dtype=torch.long)
    sequence = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        model,
        (ids, mask, types),
        path,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state", "pooler_output"],
        dynamic_axes={
            "input_ids": sequence,
            "attention_mask": sequence,
            "token_type_ids": sequence,
            "last_hidden_state": sequence,
            "pooler_output": {0: "batch"},
        },
        opset_version=17,
        do_constant_folding=True,
    )
    print("tiny-bert parameters:", sum(p.numel() for p in model.parameters()))
    describe("tiny-bert", path)


def tiny_llama():
    torch.manual_seed(3)
    model = LlamaForCausalLM().eval()
    out = os.path.join(ROOT, "tiny-llama-onnx")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    ids = torch.randint(0, 128, (1, 8))
    mask = torch.ones(1, 8, dtype=torch.long)
    sequence = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        model,
        (ids, mask),
        path,
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": sequence, "attention_mask": sequence, "logits": sequence},
        opset_version=17,
        do_constant_folding=True,
    )
    print("tiny-llama-onnx parameters:", sum(p.numel() for p in model.parameters()))
    describe("tiny-llama-onnx", path)


FIXTURES = {
    "tiny-transformer": tiny_transformer,
    "external-data": external_data,
    "tiny-bert": tiny_bert,
    "tiny-llama-onnx": tiny_llama,
}

if __name__ == "__main__":
    for fixture in sys.argv[1:] or FIXTURES:
        FIXTURES[fixture]()
