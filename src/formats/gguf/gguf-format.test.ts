import { describe, expect, it } from 'vitest';
import { tinyLlamaGguf, tinyLlamaSplit, TINY_LLAMA } from '../../../test/fixtures/gguf-fixtures';
import { BoundedSource } from '../../../test/fuzz/fuzz-helpers';
import { FormatError } from '../../model/errors';
import { openGroup } from '../open-group';
import { FORMATS } from '../registry';
import { ggufFormat } from './gguf-format';
import { MAX_NAMED_MISSING_SPLITS } from './gguf-limits';
import { kv, writeGguf } from '../../../test/builders/gguf-writer';

const open = (files: { name: string; bytes: Uint8Array }[]) =>
  openGroup(
    files.map((f) => new BoundedSource(f.bytes, f.name)),
    { formats: FORMATS },
  );

describe('ggufFormat in the registry', () => {
  it('is listed in FORMATS', () => {
    expect(FORMATS).toContain(ggufFormat);
  });

  it('opens a GGUF file into the document: tensors, parameters, its file entry and flat metadata', async () => {
    const fixture = tinyLlamaGguf();
    const document = await open([fixture]);
    expect(document.formats).toEqual(['gguf']);
    expect(document.tensors).toHaveLength(2 + TINY_LLAMA.blocks * 9 + 1);
    const q8 = document.tensors.filter((t) => t.dtype === 'Q8_0');
    expect(document.parameters.byDtype.Q8_0).toBe(q8.reduce((n, t) => n + t.elements, 0));
    expect(document.parameters.bytesByDtype.Q8_0).toBe((document.parameters.byDtype.Q8_0! / 32) * 34);
    const file = document.files[0]!;
    expect(file.format).toBe('gguf');
    expect(file.format === 'gguf' && file.facts.general.fileType?.name).toBe('Q8_0');
    expect(file.format === 'gguf' && file.tensorCount).toBe(document.tensors.length);
    expect(document.metadata['general.architecture']).toBe('llama');
    expect(document.metadata['tokenizer.ggml.tokens']).toBe(`array<string> of ${TINY_LLAMA.vocab}`);
    expect(document.warnings).toEqual([]);
  });

  it('merges a split model and warns, naming it, when a split is missing', async () => {
    const [first, second] = tinyLlamaSplit();
    const whole = await open([first!, second!]);
    expect(whole.tensors.map((t) => t.name)).toEqual((await open([tinyLlamaGguf()])).tensors.map((t) => t.name));
    expect(whole.warnings).toEqual([]);
    const partial = await open([first!]);
    expect(partial.warnings).toEqual([expect.objectContaining({ code: 'gguf-split-missing', file: 'tiny-llama-Q8_0-00002-of-00002.gguf' })]);
  });

  it('names a few missing splits of a file claiming 65,535, and counts the rest', async () => {
    const claim = writeGguf({ metadata: [kv.u16('split.no', 0), kv.u16('split.count', 65_535)] });
    const document = await open([{ name: 'big-00001-of-65535.gguf', bytes: claim }]);
    expect(document.warnings).toHaveLength(MAX_NAMED_MISSING_SPLITS + 1);
    expect(document.warnings[0]).toMatchObject({ code: 'gguf-split-missing', file: 'big-00002-of-65535.gguf' });
    expect(document.warnings.at(-1)!.message).toBe(
      `${65_534 - MAX_NAMED_MISSING_SPLITS} more of the 65535 splits of big-00001-of-65535.gguf were not among the files given.`,
    );
  });

  it('refuses a split count of 0', async () => {
    const claim = writeGguf({ metadata: [kv.u16('split.no', 0), kv.u16('split.count', 0)] });
    await expect(open([{ name: 'zero.gguf', bytes: claim }])).rejects.toMatchObject({ file: 'zero.gguf', field: 'metadata["split.count"]' });
  });

  it('gives a hostile GGUF its FormatError, and the next file opens', async () => {
    const broken = tinyLlamaGguf().bytes.slice(0, 500);
    const error = await open([{ name: 'broken.gguf', bytes: broken }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).file).toBe('broken.gguf');
    expect((await open([tinyLlamaGguf()])).formats).toEqual(['gguf']);
  });
});
