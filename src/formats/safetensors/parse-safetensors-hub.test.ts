/**
 * Differential tests against @huggingface/hub's `parseSafetensorsMetadata`, the parser behind the
 * Hub's parameter counts. It fetches over HTTP, so it gets a fake `fetch` serving generated files
 * for a fake repo, answering what the library asks for (read from its source):
 * - `HEAD /{repo}/raw/main/{path}` to find `model.safetensors` or `model.safetensors.index.json`;
 * - `GET /{repo}/resolve/main/{path}` with `Range: bytes=0-0` for the size (Content-Range) and ETag,
 *   then ranged GETs for the header, or a plain GET for the whole index;
 * - `config.json`, answered 404 `EntryNotFound`, so no quantization multipliers apply.
 */
import { describe, it, expect } from 'vitest';
import { parseSafetensorsMetadata } from '@huggingface/hub';
import { FileByteSource } from '../../bytes/file-byte-source';
import type { TensorInfo } from '../../model/document';
import type { DType } from '../../model/dtype';
import { FormatError } from '../../model/errors';
import { buildSafetensors, layoutTensors, type TensorSpec } from '../../../test/builders/build-safetensors';
import { parseSafetensors } from './parse-safetensors';
import { parseSafetensorsIndex } from './parse-safetensors-index';

const REPO = 'loupe-tests/generated-model';
const HUB = 'https://huggingface.co';

type Files = Record<string, Uint8Array<ArrayBuffer>>;

/** A fetch that serves `files` as the `main` revision of REPO, with HTTP Range support. */
function fakeHub(files: Files, log: string[] = []): typeof fetch {
  return (input: RequestInfo | URL, init?: RequestInit) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href);
    const method = init?.method ?? 'GET';
    const range = new Headers(init?.headers).get('Range');
    log.push(`${method} ${url.pathname}${range ? ` ${range}` : ''}`);
    const match = /^\/([^/]+\/[^/]+)\/(?:raw|resolve)\/main\/(.+)$/.exec(url.pathname);
    const path = match && match[1] === REPO ? decodeURIComponent(match[2] ?? '') : undefined;
    const body = path === undefined ? undefined : files[path];
    if (url.origin !== HUB || body === undefined) {
      return Promise.resolve(new Response('Entry not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } }));
    }
    const headers = { ETag: `"${path}-etag"`, 'Content-Type': 'application/octet-stream' };
    if (method === 'HEAD') return Promise.resolve(new Response(null, { status: 200, headers: { ...headers, 'Content-Length': String(body.length) } }));
    if (range) {
      const [, from, to] = /^bytes=(\d+)-(\d*)$/.exec(range) ?? [];
      const start = Number(from);
      const end = Math.min(to ? Number(to) : body.length - 1, body.length - 1);
      return Promise.resolve(
        new Response(body.slice(start, end + 1), { status: 206, headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}` } }),
      );
    }
    return Promise.resolve(new Response(body.slice(), { status: 200, headers }));
  };
}

/** Element counts per dtype, and their total, as the Hub library reports them. */
async function hubCounts(files: Files): Promise<{ byDtype: Record<string, number>; total: number }> {
  const result = await parseSafetensorsMetadata({ repo: REPO, computeParametersCount: true, fetch: fakeHub(files) });
  const byDtype = { ...result.parameterCount } as Record<string, number>;
  return { byDtype, total: Object.values(byDtype).reduce((a, b) => a + b, 0) };
}

/** Loupe's parameter count: the sum of tensor elements, over the single file or every shard of the index. */
async function loupeCounts(files: Files): Promise<{ byDtype: Record<string, number>; total: number; tensors: TensorInfo[] }> {
  const open = (path: string) => new FileByteSource(new Blob([files[path] ?? new Uint8Array(0)]), path);
  let tensors: TensorInfo[];
  if (files['model.safetensors']) {
    tensors = (await parseSafetensors(open('model.safetensors'))).tensors;
  } else {
    const index = await parseSafetensorsIndex(open('model.safetensors.index.json'));
    tensors = [];
    for (const shard of index.shards) tensors.push(...(await parseSafetensors(open(shard))).tensors);
  }
  const byDtype: Record<string, number> = {};
  for (const t of tensors) byDtype[t.dtype] = (byDtype[t.dtype] ?? 0) + t.elements;
  return { byDtype, total: tensors.reduce((sum, t) => sum + t.elements, 0), tensors };
}

function single(specs: TensorSpec[], metadata?: Record<string, string>): Files {
  const { header, dataLength } = layoutTensors(specs, metadata);
  // Pad the header to 8 bytes, as the reference writer does.
  const padding = (8 - (new TextEncoder().encode(JSON.stringify(header)).length % 8)) % 8;
  return { 'model.safetensors': buildSafetensors(header, dataLength, { padding }) };
}

function sharded(shards: TensorSpec[][]): Files {
  const files: Files = {};
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  shards.forEach((specs, i) => {
    const name = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
    const { header, dataLength } = layoutTensors(specs, { format: 'pt' });
    files[name] = buildSafetensors(header, dataLength);
    totalSize += dataLength;
    for (const spec of specs) weightMap[spec.name] = name;
  });
  files['model.safetensors.index.json'] = new TextEncoder().encode(JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2));
  return files;
}

/** A small decoder-only model: embeddings, `layers` blocks, a norm and a head. */
function llamaLike(layers: number, hidden: number, dtype: DType, prefix = 'model'): TensorSpec[] {
  const specs: TensorSpec[] = [{ name: `${prefix}.embed_tokens.weight`, dtype, shape: [256, hidden] }];
  for (let i = 0; i < layers; i++) {
    const p = `${prefix}.layers.${i}`;
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) specs.push({ name: `${p}.self_attn.${proj}.weight`, dtype, shape: [hidden, hidden] });
    specs.push({ name: `${p}.mlp.gate_proj.weight`, dtype, shape: [hidden * 2, hidden] });
    specs.push({ name: `${p}.mlp.up_proj.weight`, dtype, shape: [hidden * 2, hidden] });
    specs.push({ name: `${p}.mlp.down_proj.weight`, dtype, shape: [hidden, hidden * 2] });
    specs.push({ name: `${p}.input_layernorm.weight`, dtype: 'F32', shape: [hidden] });
  }
  specs.push({ name: `${prefix}.norm.weight`, dtype: 'F32', shape: [hidden] });
  specs.push({ name: 'lm_head.weight', dtype, shape: [256, hidden] });
  return specs;
}

describe('parameter counts agree with @huggingface/hub', () => {
  const checkpoints: [string, Files][] = [
    ['single BF16', single(llamaLike(2, 32, 'BF16'), { format: 'pt' })],
    ['single F32 without metadata', single(llamaLike(1, 16, 'F32'))],
    [
      'single, every dtype the library counts',
      single([
        ...(['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64', 'C64'] as const).map((dtype) => ({
          name: `t.${dtype}`,
          dtype,
          shape: [3, 4],
        })),
        ...(['F8_E5M2', 'F8_E4M3', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'F6_E2M3', 'F6_E3M2', 'F4'] as const).map((dtype) => ({
          name: `t.${dtype}`,
          dtype,
          shape: [2, 8],
        })),
        { name: 'empty', dtype: 'F32', shape: [0, 7] },
      ]),
    ],
    ['sharded F16, 3 shards', sharded([llamaLike(1, 16, 'F16').slice(0, 5), llamaLike(1, 16, 'F16').slice(5, 9), llamaLike(1, 16, 'F16').slice(9)])],
    ['sharded mixed dtypes, 2 shards', sharded([llamaLike(2, 8, 'BF16', 'a'), llamaLike(1, 24, 'F8_E4M3', 'b').map((s) => ({ ...s, name: `b.${s.name}` }))])],
  ];

  for (const [label, files] of checkpoints) {
    it(label, async () => {
      const [hub, loupe] = await Promise.all([hubCounts(files), loupeCounts(files)]);
      expect(loupe.total).toBeGreaterThan(0);
      expect(loupe.total).toBe(hub.total);
      expect(loupe.byDtype).toEqual(hub.byDtype);
    });
  }

  it('asks the fake Hub only for what it serves', async () => {
    const log: string[] = [];
    const files = sharded([llamaLike(1, 8, 'F32').slice(0, 3), llamaLike(1, 8, 'F32').slice(3)]);
    await parseSafetensorsMetadata({ repo: REPO, computeParametersCount: true, fetch: fakeHub(files, log) });
    expect(log).toContain(`HEAD /${REPO}/raw/main/model.safetensors`);
    expect(log).toContain(`HEAD /${REPO}/raw/main/model.safetensors.index.json`);
    expect(log.some((line) => line.startsWith(`GET /${REPO}/resolve/main/model-00002-of-00002.safetensors bytes=0-7`))).toBe(true);
  });
});

describe('where Loupe deliberately differs from @huggingface/hub', () => {
  /** Files whose single header is `header` (raw JSON text) followed by `data` zero bytes. */
  const raw = (header: string, data: number): Files => ({ 'model.safetensors': buildSafetensors(header, data) });

  async function expectHubAcceptsLoupeRejects(files: Files, field: string): Promise<number> {
    const hub = await hubCounts(files);
    const error = await loupeCounts(files).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe(field);
    return hub.total;
  }

  // The library validates each entry on its own (dims, begin <= end <= file size) and never checks
  // that the entries tile the data section, which the reference implementation requires
  // (huggingface/safetensors, safetensors/src/tensor.rs, Metadata::validate). Loupe follows the
  // reference: a file the Rust loader would refuse must not be shown as a valid model.
  it('overlapping offsets: the library counts both tensors, Loupe rejects', async () => {
    const files = raw('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', 12);
    expect(await expectHubAcceptsLoupeRejects(files, 'tensors["b"].data_offsets')).toBe(4);
  });

  it('unknown dtype: the library counts it, Loupe rejects', async () => {
    const files = raw('{"a":{"dtype":"F128","shape":[2],"data_offsets":[0,32]}}', 32);
    expect(await expectHubAcceptsLoupeRejects(files, 'tensors["a"].dtype')).toBe(2);
  });

  it('shape and offsets disagree: the library trusts the shape, Loupe rejects', async () => {
    // The library deliberately tolerates the mismatch ("padding"); the reference reports TensorInvalidInfo.
    const files = raw('{"a":{"dtype":"F32","shape":[1000],"data_offsets":[0,4]}}', 4);
    expect(await expectHubAcceptsLoupeRejects(files, 'tensors["a"].data_offsets')).toBe(1000);
  });

  it('duplicate keys: the library keeps the last, Loupe rejects', async () => {
    // JSON.parse keeps the last duplicate, so the two parsers would disagree on what the file holds.
    const files = raw('{"a":{"dtype":"U8","shape":[999],"data_offsets":[0,999]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1);
    expect(await expectHubAcceptsLoupeRejects(files, 'tensors["a"]')).toBe(1);
  });

  it('trailing bytes after the last tensor: the library ignores them, Loupe rejects', async () => {
    const files = raw('{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}', 10);
    expect(await expectHubAcceptsLoupeRejects(files, 'data')).toBe(4);
  });

  // Both accept these files, but count differently: the library reports "parameters", Loupe
  // reports raw element counts and leaves that interpretation to the views.
  it('scalars and F8_E8M0 block scales: the library skips them, Loupe counts their elements', async () => {
    const files = single([
      { name: 'w', dtype: 'BF16', shape: [4, 4] },
      { name: 'step', dtype: 'I64', shape: [] },
      { name: 'w_scales', dtype: 'F8_E8M0', shape: [4] },
    ]);
    const [hub, loupe] = await Promise.all([hubCounts(files), loupeCounts(files)]);
    expect(hub.total).toBe(16);
    expect(loupe.total).toBe(16 + 1 + 4);
  });
});
