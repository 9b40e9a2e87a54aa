import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../bytes/file-byte-source';
import type { ByteSource } from '../model/byte-source';
import type { TensorInfo } from '../model/document';
import { FormatError, LoupeError } from '../model/errors';
import type { FormatModule } from './format-module';
import { openGroup, OPENABLE } from './open-group';
import { SOURCES } from '../sources/registry';
import { describeOpenable, FORMATS } from './registry';

// A made-up format, declared the way a real one is: its facts join the document's ParsedFile union from here.
declare module '../model/document' {
  interface FormatFacts {
    toy: { tensorCount: number };
  }
  // A document-level fact of the format (GGUF adds its architecture and chat template this way).
  interface ModelDocument {
    toySplits?: { given: number; missing: string[] };
  }
}

/**
 * TOYF: the magic `TOYF`, a u8 tensor count, then per tensor a u8 name length, the name, a u8
 * rank and u32 little-endian dims; float32 data follows, tensor after tensor.
 */
const toyFormat: FormatModule<TensorInfo[]> = {
  id: 'toy',
  label: 'toy',
  describe: 'toy tensors (.toy)',
  readme: { input: '`*.toy`', reads: 'the tensor table' },
  extensions: ['.toy'],
  role: 'weights',
  sniff: (head) => new TextDecoder().decode(head.subarray(0, 4)) === 'TOYF',
  async parse(source: ByteSource) {
    const bytes = await source.read(0, source.size);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 4;
    const count = view.getUint8(pos++);
    const table: { name: string; shape: number[] }[] = [];
    for (let i = 0; i < count; i++) {
      const length = view.getUint8(pos++);
      const name = new TextDecoder().decode(bytes.subarray(pos, (pos += length)));
      const rank = view.getUint8(pos++);
      const shape = Array.from({ length: rank }, () => ((pos += 4), view.getUint32(pos - 4, true)));
      table.push({ name, shape });
    }
    return table.map(({ name, shape }) => {
      const elements = shape.reduce((a, b) => a * b, 1);
      const tensor: TensorInfo = { name, dtype: 'F32', shape, elements, file: source.name, byteOffset: pos, byteLength: elements * 4 };
      pos += elements * 4;
      if (pos > source.size) throw new FormatError(source.name, name, 'runs past the end of the file');
      return tensor;
    });
  },
  contribute(tensors, source, draft) {
    draft.addTensors(tensors);
    draft.document.files.push({ format: 'toy', path: source.name, tensorCount: tensors.length });
  },
  // Split files `NAME-0000i-of-0000n.toy` group like GGUF splits: the whole group is seen at once.
  finish(draft, files) {
    const split = /^(.*)-(\d{5})-of-(\d{5})\.toy$/.exec(files[0]!.source.name);
    if (!split) return;
    const count = Number(split[3]);
    const given = new Set(files.map((f) => f.source.name));
    const names = Array.from({ length: count }, (_, i) => `${split[1]}-${String(i + 1).padStart(5, '0')}-of-${split[3]}.toy`);
    draft.document.toySplits = { given: files.length, missing: names.filter((name) => !given.has(name)) };
  },
};

/** Writes a TOYF file byte by byte. */
function toyFile(tensors: { name: string; shape: number[] }[]): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [...new TextEncoder().encode('TOYF'), tensors.length];
  let elements = 0;
  for (const { name, shape } of tensors) {
    const encoded = new TextEncoder().encode(name);
    bytes.push(encoded.length, ...encoded, shape.length);
    for (const dim of shape) bytes.push(dim & 0xff, (dim >> 8) & 0xff, (dim >> 16) & 0xff, dim >>> 24);
    elements += shape.reduce((a, b) => a * b, 1);
  }
  return new Uint8Array([...bytes, ...new Array<number>(elements * 4).fill(0)]);
}

describe('the format registry', () => {
  it('opens a new format with one module and one registration', async () => {
    const formats = [...FORMATS, toyFormat]; // the one registration
    const file = new FileByteSource(
      new Blob([
        toyFile([
          { name: 'w', shape: [2, 3] },
          { name: 'b', shape: [3] },
        ]),
      ]),
      'model.toy',
    );

    const document = await openGroup([file], { formats });

    expect(document.formats).toEqual(['toy']);
    expect(document.tensors.map((t) => [t.name, t.shape, t.byteOffset])).toEqual([
      ['w', [2, 3], 23],
      ['b', [3], 47],
    ]);
    expect(document.parameters).toEqual({ total: 9, byDtype: { F32: 9 }, bytesByDtype: { F32: 36 } });
    expect(document.files).toEqual([{ format: 'toy', path: 'model.toy', tensorCount: 2 }]);
    expect(document.source.files).toEqual([{ path: 'model.toy', size: 59, format: 'toy' }]);
    expect(document.warnings).toEqual([]);
  });

  it('lets the new format see its files together, and add document-level facts', async () => {
    const split = (name: string) => new FileByteSource(new Blob([toyFile([{ name, shape: [4] }])]), `m/toy-${name}-of-00003.toy`);
    const document = await openGroup([split('00001'), split('00003')], { formats: [...FORMATS, toyFormat] });
    expect(document.toySplits).toEqual({ given: 2, missing: ['m/toy-00002-of-00003.toy'] });
    expect(document.parameters.total).toBe(8);
  });

  it('names the new format in what Loupe says it opens', async () => {
    const formats = [...FORMATS, toyFormat];
    const noise = new FileByteSource(new Blob(['just some text']), 'notes.txt');
    await expect(openGroup([noise], { formats })).rejects.toThrow(/Loupe opens .*a model card \(README\.md\), and toy tensors \(\.toy\)\.$/);
    // Without the registration the same bytes are not a model.
    const toy = new FileByteSource(new Blob([toyFile([{ name: 'w', shape: [1] }])]), 'model.toy');
    await expect(openGroup([toy])).rejects.toBeInstanceOf(LoupeError);
  });

  it('builds the "what Loupe opens" message from the formats, in order', () => {
    expect(OPENABLE).toBe(
      'Loupe opens safetensors weights (.safetensors, sharded with model.safetensors.index.json), ' +
        'ONNX models (.onnx, with their external data files), GGUF models (.gguf, llama.cpp, split files merged), PyTorch checkpoints (.bin, .pt, .pth, .ckpt: scanned, never executed), ' +
        'a Hugging Face config.json, its tokenizer (tokenizer.json, tokenizer_config.json, special_tokens_map.json), ' +
        'its chat template and generation defaults (chat_template.jinja, generation_config.json), and a model card (README.md).',
    );
    expect(describeOpenable([toyFormat])).toBe('Loupe opens toy tensors (.toy).');
  });

  it('has one module per id', () => {
    const ids = FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('README\'s "What it opens" table', () => {
  it('is the format registry, then the sources opened from an address, row for row', () => {
    const rows = [...FORMATS.map((f) => f.readme), ...SOURCES.flatMap((s) => (s.readme ? [s.readme] : []))];
    const expected = ['| input | what Loupe reads |', '| --- | --- |', ...rows.map((r) => `| ${r.input} | ${r.reads} |`)].join('\n');
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## What it opens'));
    const table = section.slice(section.indexOf('| input |'), section.indexOf('\n\n', section.indexOf('| input |')));
    // On failure, paste the expected table into README.md.
    expect(table).toBe(expected);
  });
});
