import { describe, expect, it } from 'vitest';
import { kv, writeGguf, type WriterEntry } from '../../../test/builders/gguf-writer';
import {
  largeTokenizerGguf,
  LARGE_VOCABULARY,
  TINY_LLAMA,
  TINY_LORA,
  tinyLlamaGguf,
  tinyLlamaSplit,
  tinyLoraGguf,
  type GgufFixture,
} from '../../../test/fixtures/gguf-fixtures';
import { BoundedSource } from '../../../test/fuzz/fuzz-helpers';
import { estimateMemory } from '../config/estimate-memory';
import { ggufFormat } from './gguf-format';
import { ggufKvCacheBytesPerToken, ggufMemoryFit, SHOWN_ARRAY_ITEMS, type GgufFile } from './gguf-facts';
import { llamaFileTypeName } from './llama-file-types';
import { ggufSplitName, mergeGgufSplits, parseGgufSplitName } from './merge-gguf-splits';

async function open(fixture: GgufFixture): Promise<GgufFile> {
  return ggufFormat.parse(new BoundedSource(fixture.bytes, fixture.name));
}

describe('GGUF facts', () => {
  it('reads general facts, provenance and the quantization name', async () => {
    const { facts } = await open(tinyLlamaGguf());
    expect(facts.general).toMatchObject({
      architecture: 'llama',
      name: 'Tiny Llama',
      sizeLabel: '100K',
      license: 'apache-2.0',
      fileType: { id: 7, name: 'Q8_0', known: true, guessed: false },
      quantizationVersion: 2,
    });
    expect(facts.provenance).toEqual({
      baseModels: [{ name: 'Llama 3 8B', organization: 'Meta Llama', repoUrl: 'https://huggingface.co/meta-llama/Meta-Llama-3-8B' }],
      source: { url: 'https://example.org/tiny-llama' },
      doi: '10.0000/tiny',
      datasets: ['wikitext', 'c4'],
    });
  });

  it('counts parameters, bytes and bits per weight per ggml type', async () => {
    const { facts } = await open(tinyLlamaGguf());
    const { vocab, embedding: e, blocks, heads, kvHeads, feedForward: ff } = TINY_LLAMA;
    const kv = (e / heads) * kvHeads;
    const q8 = vocab * e + blocks * (e * e * 2 + e * kv * 2 + e * ff * 2);
    const f16 = blocks * ff * e + e * vocab;
    const f32 = (blocks * 2 + 1) * e;
    expect(facts.parameters.byType).toEqual([
      { type: 'Q8_0', tensors: 1 + blocks * 6, parameters: q8, bytes: (q8 / 32) * 34, bitsPerWeight: 8.5 },
      { type: 'F16', tensors: blocks + 1, parameters: f16, bytes: f16 * 2, bitsPerWeight: 16 },
      { type: 'F32', tensors: blocks * 2 + 1, parameters: f32, bytes: f32 * 4, bitsPerWeight: 32 },
    ]);
    expect(facts.parameters.total).toBe(q8 + f16 + f32);
    expect(facts.parameters.bitsPerWeight).toBe((((q8 / 32) * 34 + f16 * 2 + f32 * 4) * 8) / (q8 + f16 + f32));
  });

  it('gives architecture facts in the config shape, and the KV cache per token', async () => {
    const { facts } = await open(tinyLlamaGguf());
    const { vocab, embedding, blocks, heads, kvHeads, feedForward, context } = TINY_LLAMA;
    expect(facts.architecture).toMatchObject({
      architecture: 'llama',
      contextLength: context,
      embeddingLength: embedding,
      blockCount: blocks,
      headCount: heads,
      headCountKv: kvHeads,
      ropeFreqBase: 500000,
    });
    // 2 (K and V) × blocks × KV heads × head size × 2 bytes (F16).
    const perToken = 2 * blocks * kvHeads * (embedding / heads) * 2;
    expect(facts.configFacts).toMatchObject({
      modelType: 'llama',
      family: 'llama',
      hiddenSize: embedding,
      numLayers: blocks,
      numHeads: heads,
      numKvHeads: kvHeads,
      headDim: embedding / heads,
      intermediateSize: feedForward,
      vocabSize: vocab,
      maxPositions: context,
      tieWordEmbeddings: false,
      kvCacheBytesPerToken: perToken,
      kvCacheDtype: 'F16',
    });
    expect(estimateMemory(facts.parameters.total, facts.configFacts, 1000).kvCache).toEqual({
      perToken,
      contextLength: 1000,
      total: perToken * 1000,
      dtype: 'F16',
    });
    expect(ggufKvCacheBytesPerToken(facts.architecture!, 'Q8_0')).toBe((perToken / 2) * (34 / 32));
  });

  it('sums the KV cache layer by layer for per-layer head counts', () => {
    // Layers with 8, 0 (attention-free) and 2 KV heads of 64 + 32 dims.
    const arch = { architecture: 'x', blockCount: 3, embeddingLength: 512, headCount: [8, 8, 8], headCountKv: [8, 0, 2], keyLength: 64, valueLength: 32 };
    expect(ggufKvCacheBytesPerToken(arch, 'F32')).toBe((8 + 2) * (64 + 32) * 4);
  });

  it('says whether a model fits a memory budget, and the longest context that does', () => {
    expect(ggufMemoryFit({ weightsBytes: 4000, kvBytesPerToken: 10, contextLength: 100, budgetBytes: 5000 })).toEqual({
      neededBytes: 5000,
      fits: true,
      largestContext: 100,
    });
    expect(ggufMemoryFit({ weightsBytes: 4000, kvBytesPerToken: 10, contextLength: 101, budgetBytes: 5000, maxContext: 50 })).toEqual({
      neededBytes: 5010,
      fits: false,
      largestContext: 50,
    });
    expect(ggufMemoryFit({ weightsBytes: 6000, kvBytesPerToken: 10, contextLength: 1, budgetBytes: 5000 })).toMatchObject({ fits: false, largestContext: 0 });
  });

  it('summarizes the tokenizer with its special tokens', async () => {
    const { facts } = await open(tinyLlamaGguf());
    expect(facts.tokenizer).toEqual({
      model: 'gpt2',
      pre: 'llama-bpe',
      vocabSize: TINY_LLAMA.vocab,
      merges: 3,
      addBos: true,
      special: [
        { role: 'bos', id: 1, text: '<s>' },
        { role: 'eos', id: 2, text: '</s>' },
        { role: 'pad', id: 3, text: '<pad>' },
        { role: 'unk', id: 0, text: '<unk>' },
      ],
    });
    expect(facts.chatTemplate).toContain('add_generation_prompt');
  });

  it('summarizes long arrays in the metadata, never copying them whole', async () => {
    const file = await open(largeTokenizerGguf(1024));
    const tokens = file.metadata.find((m) => m.key === 'tokenizer.ggml.tokens')!;
    expect(tokens).toMatchObject({ type: 'array<string>', count: LARGE_VOCABULARY, truncated: true });
    expect(tokens.first).toEqual(['▁tok0', '▁tok1', '▁tok2', '▁tok3', '▁tok4', '▁tok5', '▁tok6', '▁tok7']);
    expect(tokens.first).toHaveLength(SHOWN_ARRAY_ITEMS);
    // Each token: an 8-byte length and its UTF-8 bytes, plus the array's 12-byte type and count.
    const utf8 = (s: string): number => new TextEncoder().encode(s).length;
    expect(tokens.bytes).toBe(12 + Array.from({ length: LARGE_VOCABULARY }, (_, i) => 8 + utf8(`▁tok${i.toString(36)}`)).reduce((a, b) => a + b, 0));
    expect(file.facts.tokenizer).toMatchObject({
      vocabSize: LARGE_VOCABULARY,
      merges: LARGE_VOCABULARY,
      special: [
        { role: 'bos', id: 0, text: '▁tok0' },
        { role: 'eos', id: 1, text: '▁tok1' },
      ],
    });
    // The document form holds no long array anywhere.
    const longest = (value: unknown): number =>
      Array.isArray(value)
        ? Math.max(value.length, ...value.map(longest))
        : value && typeof value === 'object'
          ? Math.max(0, ...Object.values(value).map(longest))
          : 0;
    expect(longest(file.facts)).toBeLessThanOrEqual(SHOWN_ARRAY_ITEMS);
    for (const entry of file.metadata) expect(longest(entry)).toBeLessThanOrEqual(SHOWN_ARRAY_ITEMS);
  });

  it('shows scalar metadata with its type, 64-bit values exactly', async () => {
    const metadata: WriterEntry[] = [kv.u32('a.u32', 7), kv.u64('a.big', 2n ** 60n + 1n), kv.u64('a.small', 12n), kv.str('a.s', 'x'.repeat(5000))];
    const file = await open({ name: 'm.gguf', bytes: writeGguf({ metadata }) });
    expect(file.metadata.map(({ key, type, value, truncated }) => ({ key, type, value: typeof value === 'string' ? value.length : value, truncated }))).toEqual(
      [
        { key: 'a.u32', type: 'uint32', value: 7, truncated: false },
        { key: 'a.big', type: 'uint64', value: '1152921504606846977'.length, truncated: false },
        { key: 'a.small', type: 'uint64', value: 12, truncated: false },
        { key: 'a.s', type: 'string', value: 2049, truncated: true },
      ],
    );
    expect(file.metadata[1]!.value).toBe('1152921504606846977');
  });

  it('describes a LoRA adapter: rank, alpha, targets and parameter count', async () => {
    const { facts } = await open(tinyLoraGguf());
    const { embedding, blocks, heads, kvHeads } = TINY_LLAMA;
    const { rank, alpha } = TINY_LORA;
    const perBlock = rank * embedding + rank * embedding + rank * embedding + rank * ((embedding / heads) * kvHeads);
    expect(facts.adapter).toEqual({
      adapterType: 'lora',
      alpha,
      rank,
      ranks: [rank],
      targets: ['blk.0.attn_q.weight', 'blk.0.attn_v.weight', 'blk.1.attn_q.weight', 'blk.1.attn_v.weight'],
      parameterCount: blocks * perBlock,
      unpaired: [],
    });
    expect(facts.general.type).toBe('adapter');
  });

  it('names llama.cpp file types, guessed and unknown ones too', () => {
    expect(llamaFileTypeName(15)).toEqual({ name: 'Q4_K_M', known: true, guessed: false });
    expect(llamaFileTypeName(1024 + 18)).toEqual({ name: 'Q6_K', known: true, guessed: true });
    expect(llamaFileTypeName(38).name).toBe('MXFP4_MOE');
    expect(llamaFileTypeName(5)).toEqual({ name: 'unknown file type 5', known: false, guessed: false });
  });
});

describe('mergeGgufSplits', () => {
  it('merges a 2-way split into the model the single file is', async () => {
    const single = await open(tinyLlamaGguf());
    const parts = await Promise.all(tinyLlamaSplit().map(open));
    expect(parts.map((p) => p.facts.split)).toEqual([
      { index: 0, count: 2, tensorsCount: single.tensors.length },
      { index: 1, count: 2, tensorsCount: single.tensors.length },
    ]);
    const merged = mergeGgufSplits([parts[1]!, parts[0]!]);
    expect(merged.primary.path).toBe('tiny-llama-Q8_0-00001-of-00002.gguf');
    expect(merged.missing).toEqual([]);
    expect(merged.warnings).toEqual([]);
    expect(merged.tensors.map((t) => [t.name, t.dtype, t.shape, t.file])).toEqual(
      single.tensors.map((t, i) => [
        t.name,
        t.dtype,
        t.shape,
        i < Math.ceil(single.tensors.length / 2) ? 'tiny-llama-Q8_0-00001-of-00002.gguf' : 'tiny-llama-Q8_0-00002-of-00002.gguf',
      ]),
    );
    expect(merged.parameters).toEqual(single.facts.parameters);
  });

  it('names a missing split', async () => {
    const [first] = await Promise.all(tinyLlamaSplit().map(open));
    const merged = mergeGgufSplits([first!]);
    expect(merged.missing).toEqual(['tiny-llama-Q8_0-00002-of-00002.gguf']);
  });

  it('refuses a tensor that two splits both hold', async () => {
    const [first] = await Promise.all(tinyLlamaSplit().map(open));
    const copy = { ...first!, path: 'other.gguf', facts: { ...first!.facts, split: { index: 1, count: 2 } } };
    expect(() => mergeGgufSplits([first!, copy])).toThrow(/other\.gguf: tensors\["token_embd\.weight"\]: is also in tiny-llama/);
  });

  it('reads and writes gguf-split file names', () => {
    expect(parseGgufSplitName('Llama-70B-Q4_K_M-00002-of-00003.gguf')).toEqual({ prefix: 'Llama-70B-Q4_K_M', index: 2, count: 3 });
    expect(parseGgufSplitName('model.gguf')).toBeUndefined();
    expect(ggufSplitName('m', 1, 12)).toBe('m-00001-of-00012.gguf');
  });
});

describe('ggufFormat', () => {
  it('sniffs the magic only', () => {
    const source = new BoundedSource(new Uint8Array(0), 'x');
    expect(ggufFormat.sniff(new TextEncoder().encode('GGUF\x03\0\0\0'), source)).toBe(true);
    expect(ggufFormat.sniff(new TextEncoder().encode('GGML'), source)).toBe(false);
    expect(ggufFormat.sniff(new TextEncoder().encode('GG'), source)).toBe(false);
  });

  it('parses into Loupe tensors: ggml type as dtype, PyTorch shape', async () => {
    const file = await open(tinyLlamaGguf());
    expect(file.tensors[0]).toEqual({
      name: 'token_embd.weight',
      dtype: 'Q8_0',
      shape: [256, 64],
      elements: 256 * 64,
      file: 'tiny-llama-Q8_0.gguf',
      byteOffset: file.dataStart,
      byteLength: 256 * 2 * 34,
    });
  });
});
