// Repos served by the Hub test server. Plain Node, no dependencies.
// Small repos hold real bytes (the tiny-llama example); the 70B repos are virtual: their shards
// have real safetensors headers and zero data, synthesized per request and never held in memory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ggufPrefix } from './gguf-prefix.mjs';

/** Tokens the server knows. Any other Bearer token is refused with 401 (invalid credentials). */
export const TEST_TOKENS = {
  /** Has accepted every gated repo's conditions and may read every private repo. */
  granted: 'hf_loupe_test_granted',
  /** A valid token that has not been granted access to gated or private repos. */
  notGranted: 'hf_loupe_test_not_granted',
};

/** Repo ids, and what opening them must give. */
export const TEST_REPOS = {
  /** public/examples/tiny-llama as a public repo: 21 BF16 tensors, 158,016 parameters. */
  tiny: 'loupe-test/tiny-llama',
  /** The same files under a legacy single-name id (like `gpt2`). */
  tinyLegacy: 'tiny-llama',
  /** The same files, gated (manual approval): needs TEST_TOKENS.granted. */
  tinyGated: 'loupe-test/tiny-llama-gated',
  /** The same files, private: needs TEST_TOKENS.granted; anonymous callers get RepoNotFound. */
  tinyPrivate: 'loupe-test/tiny-llama-private',
  /** Tiny-llama plus pickle (`pytorch_model.bin`, `original/consolidated.00.pth`) and ONNX files, listed but not opened. */
  mixed: 'loupe-test/mixed-formats',
  /** Real files to inspect one by one: an ONNX model with external data, and a pickle checkpoint (e2e/models). */
  realFiles: 'loupe-test/real-files',
  /** Only a pickle checkpoint: nothing Loupe opens. */
  pickleOnly: 'loupe-test/pickle-only',
  /** A Llama-3.1-70B look-alike: 30 virtual shards (~141 GB), public. */
  virtual70b: 'loupe-test/virtual-70b',
  /** The same, gated like the real one. */
  llama70bGated: 'meta-llama/Llama-3.1-70B',
  /** Llama-3.1-70B as a Q4_K_M GGUF split in two (real headers, zero data), beside a Q8_0 one. */
  virtual70bGguf: 'loupe-test/virtual-70b-gguf',
  /** Tiny-llama's safetensors beside GGUF files: the safetensors open, the GGUF files are listed. */
  safetensorsAndGguf: 'loupe-test/safetensors-and-gguf',
};

export const TINY_PARAMETERS = 158_016;
export const TINY_TENSORS = 21;

/** Llama-3.1-70B's shape. */
const L70 = { vocab: 128_256, hidden: 8192, intermediate: 28_672, layers: 80, heads: 64, kvHeads: 8 };
export const VIRTUAL_70B_SHARDS = 30;
export const VIRTUAL_70B_TENSORS = L70.layers * 9 + 3;
/** 2·V·H (embeddings, lm_head) + H (final norm) + L·(2H² + 2H·(H/8) + 3H·I + 2H): 70,553,706,496. */
export const VIRTUAL_70B_PARAMETERS =
  2 * L70.vocab * L70.hidden +
  L70.hidden +
  L70.layers * (2 * L70.hidden * L70.hidden + 2 * L70.hidden * (L70.hidden / 8) + 3 * L70.hidden * L70.intermediate + 2 * L70.hidden);

const EXAMPLE_DIR = new URL('../../public/examples/tiny-llama/', import.meta.url);
const MODELS_DIR = new URL('../models/', import.meta.url);
const GITATTRIBUTES =
  '*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n*.pth filter=lfs diff=lfs merge=lfs -text\n*.onnx filter=lfs diff=lfs merge=lfs -text\n*.model filter=lfs diff=lfs merge=lfs -text\ntokenizer.json filter=lfs diff=lfs merge=lfs -text\n';
const LFS_NAME = /\.(safetensors|bin|pt|pth|ckpt|pkl|onnx|onnx_data|gguf|model|msgpack|h5)$|^tokenizer\.json$/;

/**
 * @typedef {{ path: string, size: number, lfs: boolean, content?: Buffer, prefix?: Buffer, gitOid: string, lfsOid?: string }} RepoFile
 * @typedef {{ id: string, gated: false | 'auto' | 'manual', private: boolean, revisions: Record<string, string>, files: RepoFile[], parameters?: number }} Repo
 */

/** Builds every test repo. Cheap: virtual data is never materialized. */
export function buildRepos() {
  const tinyFiles = () => [
    text('.gitattributes', GITATTRIBUTES),
    bytes('README.md', readFileSync(new URL('README.md', EXAMPLE_DIR))),
    bytes('config.json', readFileSync(new URL('config.json', EXAMPLE_DIR))),
    text(
      'generation_config.json',
      JSON.stringify({ _from_model_config: true, bos_token_id: 1, eos_token_id: 2, transformers_version: '4.46.0' }, null, 2) + '\n',
    ),
    bytes('model.safetensors', readFileSync(new URL('model.safetensors', EXAMPLE_DIR))),
  ];
  const seventy = virtual70bFiles();
  /** @type {Repo[]} */
  const repos = [
    repo(TEST_REPOS.tiny, tinyFiles(), { parameters: TINY_PARAMETERS, extraRevisions: ['refs/pr/1', 'v1.0'] }),
    repo(TEST_REPOS.tinyLegacy, tinyFiles(), { parameters: TINY_PARAMETERS }),
    repo(TEST_REPOS.tinyGated, tinyFiles(), { parameters: TINY_PARAMETERS, gated: 'manual' }),
    repo(TEST_REPOS.tinyPrivate, tinyFiles(), { parameters: TINY_PARAMETERS, private: true }),
    repo(
      TEST_REPOS.mixed,
      [
        ...tinyFiles(),
        virtual('pytorch_model.bin', 318_000, Buffer.from([0x80, 0x02])),
        virtual('original/consolidated.00.pth', 318_000, Buffer.from([0x50, 0x4b, 0x03, 0x04])),
        virtual('onnx/model.onnx', 12_000, Buffer.from([0x08, 0x07])),
        virtual('onnx/model.onnx_data', 318_000, Buffer.alloc(0)),
      ],
      { parameters: TINY_PARAMETERS },
    ),
    repo(TEST_REPOS.realFiles, [
      text('.gitattributes', GITATTRIBUTES),
      bytes('onnx/model.onnx', readFileSync(new URL('external-data/model.onnx', MODELS_DIR))),
      bytes('onnx/model.onnx.data', readFileSync(new URL('external-data/model.onnx.data', MODELS_DIR))),
      bytes('pytorch_model.bin', readFileSync(new URL('pytorch/tiny-bin/pytorch_model.bin', MODELS_DIR))),
      bytes('config.json', readFileSync(new URL('pytorch/tiny-bin/config.json', MODELS_DIR))),
    ]),
    repo(TEST_REPOS.pickleOnly, [text('.gitattributes', GITATTRIBUTES), virtual('pytorch_model.bin', 318_000, Buffer.from([0x80, 0x02]))]),
    repo(TEST_REPOS.virtual70b, seventy, { parameters: VIRTUAL_70B_PARAMETERS }),
    repo(TEST_REPOS.llama70bGated, seventy, { parameters: VIRTUAL_70B_PARAMETERS, gated: 'manual' }),
    repo(TEST_REPOS.virtual70bGguf, virtual70bGgufFiles()),
    repo(TEST_REPOS.safetensorsAndGguf, [...tinyFiles(), ...virtual70bGgufFiles().filter((f) => f.path.endsWith('.gguf'))], { parameters: TINY_PARAMETERS }),
  ];
  return new Map(repos.map((r) => [r.id, r]));
}

/**
 * @param {string} id
 * @param {RepoFile[]} files
 * @param {{ gated?: false | 'auto' | 'manual', private?: boolean, parameters?: number, extraRevisions?: string[] }} options
 * @returns {Repo}
 */
function repo(id, files, options = {}) {
  const revisions = { main: sha1(`${id}@main`) };
  for (const rev of options.extraRevisions ?? []) revisions[rev] = sha1(`${id}@${rev}`);
  return { id, gated: options.gated ?? false, private: options.private ?? false, revisions, files, parameters: options.parameters };
}

/** A small git file (or an LFS one, by name) with real bytes. */
function bytes(path, content) {
  const lfs = LFS_NAME.test(path.split('/').pop() ?? '');
  const file = { path, size: content.length, lfs, content, gitOid: gitBlobOid(content) };
  if (lfs) {
    file.lfsOid = createHash('sha256').update(content).digest('hex');
    file.gitOid = gitBlobOid(Buffer.from(lfsPointer(file.lfsOid, content.length)));
  }
  return file;
}

function text(path, value) {
  return bytes(path, Buffer.from(value, 'utf8'));
}

/** An LFS file of `size` bytes: `prefix`, then zeros. Never materialized. */
function virtual(path, size, prefix) {
  const lfsOid = createHash('sha256').update(prefix).update(`${path}:${size}`).digest('hex');
  return { path, size, lfs: true, prefix, lfsOid, gitOid: gitBlobOid(Buffer.from(lfsPointer(lfsOid, size))) };
}

/** A Llama-3.1-70B look-alike: its config, card, index, 30 BF16 shards, and the `original/` pickle files. */
function virtual70bFiles() {
  const { vocab, hidden, intermediate, layers, kvHeads, heads } = L70;
  const kv = (hidden / heads) * kvHeads;
  /** @type {[string, number[]][]} */
  const tensors = [['model.embed_tokens.weight', [vocab, hidden]]];
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}.`;
    tensors.push(
      [`${p}input_layernorm.weight`, [hidden]],
      [`${p}mlp.down_proj.weight`, [hidden, intermediate]],
      [`${p}mlp.gate_proj.weight`, [intermediate, hidden]],
      [`${p}mlp.up_proj.weight`, [intermediate, hidden]],
      [`${p}post_attention_layernorm.weight`, [hidden]],
      [`${p}self_attn.k_proj.weight`, [kv, hidden]],
      [`${p}self_attn.o_proj.weight`, [hidden, hidden]],
      [`${p}self_attn.q_proj.weight`, [hidden, hidden]],
      [`${p}self_attn.v_proj.weight`, [kv, hidden]],
    );
  }
  tensors.push(['model.norm.weight', [hidden]], ['lm_head.weight', [vocab, hidden]]);

  const totalBytes = tensors.reduce((sum, [, shape]) => sum + 2 * shape.reduce((a, b) => a * b, 1), 0);
  const target = totalBytes / VIRTUAL_70B_SHARDS;
  /** @type {[string, number[]][][]} */
  const shards = Array.from({ length: VIRTUAL_70B_SHARDS }, () => []);
  let cumulative = 0;
  for (const tensor of tensors) {
    shards[Math.min(VIRTUAL_70B_SHARDS - 1, Math.floor(cumulative / target))].push(tensor);
    cumulative += 2 * tensor[1].reduce((a, b) => a * b, 1);
  }
  const shardName = (i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(VIRTUAL_70B_SHARDS).padStart(5, '0')}.safetensors`;
  const weightMap = {};
  const files = [];
  shards.forEach((list, i) => {
    const { prefix, size } = safetensorsPrefix(list);
    for (const [name] of list) weightMap[name] = shardName(i);
    files.push(virtual(shardName(i), size, prefix));
  });

  const config = {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: 128000,
    eos_token_id: 128001,
    hidden_act: 'silu',
    hidden_size: hidden,
    initializer_range: 0.02,
    intermediate_size: intermediate,
    max_position_embeddings: 131072,
    mlp_bias: false,
    model_type: 'llama',
    num_attention_heads: heads,
    num_hidden_layers: layers,
    num_key_value_heads: kvHeads,
    pretraining_tp: 1,
    rms_norm_eps: 1e-5,
    rope_scaling: { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
    rope_theta: 500000.0,
    tie_word_embeddings: false,
    torch_dtype: 'bfloat16',
    transformers_version: '4.43.0.dev0',
    use_cache: true,
    vocab_size: vocab,
  };
  const card =
    '---\nlanguage:\n- en\n- de\n- fr\nlibrary_name: transformers\nlicense: llama3.1\npipeline_tag: text-generation\ntags:\n- facebook\n- meta\n- pytorch\n- llama\n- llama-3\n---\n\n' +
    "# Llama 3.1 70B (Loupe test double)\n\nA virtual repo served by Loupe's Hub test server: real safetensors headers, zero weights.\n\n" +
    '| Parameters | Context | Tensor type |\n|---|---|---|\n| 70.6B | 128k | BF16 |\n';
  const original = [
    ...Array.from({ length: 8 }, (_, i) => virtual(`original/consolidated.0${i}.pth`, 17_637_213_982 + i, Buffer.from([0x50, 0x4b, 0x03, 0x04]))),
    text(
      'original/params.json',
      JSON.stringify({
        dim: hidden,
        n_layers: layers,
        n_heads: heads,
        n_kv_heads: kvHeads,
        vocab_size: vocab,
        ffn_dim_multiplier: 1.3,
        multiple_of: 4096,
        norm_eps: 1e-5,
        rope_theta: 500000.0,
        use_scaled_rope: true,
      }),
    ),
    virtual('original/tokenizer.model', 2_183_982, Buffer.from('IiE= 0\n')),
  ];
  return [
    text('.gitattributes', GITATTRIBUTES),
    text('LICENSE', 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT (test double: not the real text)\n'),
    text('README.md', card),
    text('USE_POLICY.md', '# Llama 3.1 Acceptable Use Policy (test double)\n'),
    text('config.json', JSON.stringify(config, null, 2) + '\n'),
    text(
      'generation_config.json',
      JSON.stringify(
        { bos_token_id: 128000, do_sample: true, eos_token_id: [128001, 128008, 128009], temperature: 0.6, top_p: 0.9, transformers_version: '4.43.0.dev0' },
        null,
        2,
      ) + '\n',
    ),
    ...files,
    text('model.safetensors.index.json', JSON.stringify({ metadata: { total_size: totalBytes }, weight_map: weightMap }, null, 2) + '\n'),
    ...original,
    text('special_tokens_map.json', JSON.stringify({ bos_token: '<|begin_of_text|>', eos_token: '<|end_of_text|>' }, null, 2) + '\n'),
    virtual('tokenizer.json', 9_085_698, Buffer.from('{"version":"1.0"}')),
    text('tokenizer_config.json', JSON.stringify({ bos_token: '<|begin_of_text|>', eos_token: '<|end_of_text|>', model_max_length: 131072 }, null, 2) + '\n'),
  ];
}

/** The virtual 70B GGUF repo's parts: the Q4_K_M split in two, and a Q8_0-named single file. */
export const VIRTUAL_70B_GGUF = {
  parts: ['Llama-3.1-70B-Q4_K_M-00001-of-00002.gguf', 'Llama-3.1-70B-Q4_K_M-00002-of-00002.gguf'],
  /** Tensors: 9 per block, the embedding, the final norm and the output. */
  tensors: L70.layers * 9 + 3,
  parameters: VIRTUAL_70B_PARAMETERS,
};

/** Llama-3.1-70B as llama.cpp's Q4_K_M: Q4_K, with V and FFN-down (and the output) in Q6_K, norms F32; split in two by gguf-split. */
function virtual70bGgufFiles() {
  const { vocab, hidden, intermediate, layers, kvHeads, heads } = L70;
  const kv = (hidden / heads) * kvHeads;
  /** @type {[string, 'F32' | 'Q4_K' | 'Q6_K', number[]][]} */
  const tensors = [['token_embd.weight', 'Q4_K', [hidden, vocab]]];
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    tensors.push(
      [`${p}attn_norm.weight`, 'F32', [hidden]],
      [`${p}attn_q.weight`, 'Q4_K', [hidden, hidden]],
      [`${p}attn_k.weight`, 'Q4_K', [hidden, kv]],
      [`${p}attn_v.weight`, 'Q6_K', [hidden, kv]],
      [`${p}attn_output.weight`, 'Q4_K', [hidden, hidden]],
      [`${p}ffn_norm.weight`, 'F32', [hidden]],
      [`${p}ffn_gate.weight`, 'Q4_K', [hidden, intermediate]],
      [`${p}ffn_up.weight`, 'Q4_K', [hidden, intermediate]],
      [`${p}ffn_down.weight`, 'Q6_K', [intermediate, hidden]],
    );
  }
  tensors.push(['output_norm.weight', 'F32', [hidden]], ['output.weight', 'Q6_K', [hidden, vocab]]);
  const tokens = Array.from({ length: vocab }, (_, i) => (i === 128000 ? '<|begin_of_text|>' : i === 128009 ? '<|eot_id|>' : `tok${i}`));
  const split = (no) => [
    ['split.no', 'uint16', no],
    ['split.count', 'uint16', 2],
    ['split.tensors.count', 'int32', tensors.length],
  ];
  const metadata = [
    ['general.architecture', 'string', 'llama'],
    ['general.type', 'string', 'model'],
    ['general.name', 'string', 'Llama 3.1 70B'],
    ['general.size_label', 'string', '70B'],
    ['general.license', 'string', 'llama3.1'],
    ['general.file_type', 'uint32', 15],
    ['general.quantization_version', 'uint32', 2],
    ['llama.context_length', 'uint32', 131072],
    ['llama.embedding_length', 'uint32', hidden],
    ['llama.block_count', 'uint32', layers],
    ['llama.feed_forward_length', 'uint32', intermediate],
    ['llama.attention.head_count', 'uint32', heads],
    ['llama.attention.head_count_kv', 'uint32', kvHeads],
    ['llama.rope.freq_base', 'float32', 500000],
    ['llama.vocab_size', 'uint32', vocab],
    ['tokenizer.ggml.model', 'string', 'gpt2'],
    ['tokenizer.ggml.tokens', 'array', tokens],
    ['tokenizer.ggml.bos_token_id', 'uint32', 128000],
    ['tokenizer.ggml.eos_token_id', 'uint32', 128009],
    [
      'tokenizer.chat_template',
      'string',
      "{{ bos_token }}{% for m in messages %}{{ '<|start_header_id|>' + m['role'] + '<|end_header_id|>\\n\\n' + m['content'] + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
    ],
  ];
  const half = Math.ceil(tensors.length / 2);
  const first = ggufPrefix([...metadata, ...split(0)], tensors.slice(0, half));
  const second = ggufPrefix(split(1), tensors.slice(half));
  const q8 = ggufPrefix(
    metadata.map((e) => (e[0] === 'general.file_type' ? ['general.file_type', 'uint32', 7] : e)),
    [],
  );
  return [
    text('.gitattributes', GITATTRIBUTES + '*.gguf filter=lfs diff=lfs merge=lfs -text\n'),
    text(
      'README.md',
      '---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-70B\ntags:\n- gguf\n---\n\n# Llama 3.1 70B GGUF (Loupe test double)\n\nReal GGUF headers, zero weights.\n',
    ),
    virtual(VIRTUAL_70B_GGUF.parts[0], first.size, first.prefix),
    virtual(VIRTUAL_70B_GGUF.parts[1], second.size, second.prefix),
    // Named Q8_0 for the quantization table; its size is what a 70B Q8_0 takes (8.5 bits per weight).
    virtual('Llama-3.1-70B-Q8_0.gguf', Math.ceil((VIRTUAL_70B_PARAMETERS * 8.5) / 8), q8.prefix),
  ];
}

/**
 * The first bytes of a BF16 safetensors file holding `tensors` back to back: the u64 header
 * length and the JSON header, padded with spaces to 8 bytes as writers do. Returns the file size.
 * @param {[string, number[]][]} tensors
 */
export function safetensorsPrefix(tensors) {
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of tensors) {
    const length = 2 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const prefix = Buffer.alloc(8 + json.length);
  prefix.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(prefix, 8);
  return { prefix, size: prefix.length + offset };
}

function lfsPointer(oid, size) {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;
}

function gitBlobOid(content) {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function sha1(text) {
  return createHash('sha1').update(text).digest('hex');
}
