import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { ggufFormat } from '../../src/formats/gguf/gguf-format';
import { FormatError } from '../../src/model/errors';
import { kv, writeGguf, type WriterEntry, type WriterTensor } from '../builders/gguf-writer';
import { largeTokenizerGguf, tinyLlamaGguf, tinyLlamaSplit, tinyLoraGguf } from '../fixtures/gguf-fixtures';
import { FORMATS } from '../../src/formats/registry';
import { openGroup } from '../../src/formats/open-group';
import { BoundedSource, check, FUZZ_SEED, fuzzMutations, mutate, mutationsArb, runs, TEST_TIMEOUT_MS, tally, type Parse, type Seed } from './fuzz-helpers';

/** The parse under test: a result, or a FormatError. Any other error, typed or not, fails the property. */
const parse: Parse = async (source: BoundedSource, signal: AbortSignal) => {
  try {
    return await ggufFormat.parse(source, signal);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new Error(`not a FormatError: ${String(error)}`, { cause: error });
  }
};

const seeds: Seed[] = [tinyLlamaGguf(), tinyLlamaGguf({ littleEndian: false }), tinyLlamaSplit()[1]!, tinyLoraGguf(), largeTokenizerGguf(1024)].map(
  ({ name, bytes }) => ({ name, bytes }),
);
// The large tokenizer is 5 MB: mutate a cut-down copy with the same layout instead.
seeds[4] = {
  name: 'tokenizer.gguf',
  bytes: writeGguf({
    metadata: [kv.arr('tokenizer.ggml.tokens', 'string', ['a', 'b', 'é', '▁c']), kv.arr('s', 'float32', [1, 2])],
    tensors: [{ name: 't', type: 'F32', dims: [4] }],
  }),
};

afterAll(() => {
  if (process.env.FUZZ_RUNS || process.env.FUZZ_TALLY) console.info(`fuzz tally: ${JSON.stringify(tally)}`);
});

const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 32n, 2n ** 40n, 2n ** 62n, 2n ** 63n, 2n ** 64n - 1n));

/** The registry, which lists GGUF. */
const formats = FORMATS;

describe('GGUF fuzz', () => {
  it('a split model with one mutated split opens or gives a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [first, second] = tinyLlamaSplit();
    await fc.assert(
      fc.asyncProperty(fc.boolean(), mutationsArb, async (mutateFirst, mutations) => {
        const [target, other] = mutateFirst ? [first!, second!] : [second!, first!];
        await check(target, mutate(target.bytes, mutations), (source, signal) =>
          openGroup([source, new BoundedSource(other.bytes, other.name)], { formats, signal }),
        );
      }),
      { seed: FUZZ_SEED, numRuns: runs(300) },
    );
  });

  it('mutated files give a model or a FormatError', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(seeds, parse, runs(1500));
  });

  it('any u64 count or length in the header, over any file size', { timeout: TEST_TIMEOUT_MS }, async () => {
    const seed = seeds[0]!;
    // tensor_count at 8, metadata_kv_count at 16, the first key's length at 24.
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(8, 16, 24), u64, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 40 })), async (at, value, extra) => {
        const bytes = seed.bytes.slice();
        new DataView(bytes.buffer).setBigUint64(at, value, true);
        const size = bytes.length + extra;
        await check(seed, bytes, (source, signal) => parse(Object.assign(source, { size }), signal));
      }),
      { seed: FUZZ_SEED, numRuns: runs(300) },
    );
  });

  it('structured headers with extreme values give a model or a FormatError', { timeout: TEST_TIMEOUT_MS }, async () => {
    const rawValue = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }).map((b) => ({ kind: 'u8' as const, v: b })),
        u64.map((v) => ({ kind: 'u64' as const, v })),
      ),
      { maxLength: 6 },
    );
    const entry: fc.Arbitrary<WriterEntry> = fc.record({
      key: fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.constantFrom('general.alignment', 'general.architecture', 'split.count', 'split.no', 'tokenizer.ggml.tokens', 'adapter.lora.alpha'),
      ),
      type: fc.integer({ min: 0, max: 14 }),
      raw: rawValue.map((parts) => (w: Parameters<NonNullable<WriterEntry['raw']>>[0]) => {
        for (const part of parts)
          if (part.kind === 'u8') w.u8(part.v);
          else w.u64(part.v);
      }),
    });
    const tensor: fc.Arbitrary<WriterTensor> = fc.record({
      name: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('blk.0.attn_q.weight.lora_a', 'output.weight')),
      type: fc.oneof(fc.constantFrom<WriterTensor['type']>('F32', 'Q8_0', 'Q4_K', 'F16'), fc.integer({ min: 0, max: 45 })),
      dims: fc.array(fc.oneof(fc.integer({ min: 0, max: 600 }), u64), { maxLength: 5 }),
      offset: fc.option(u64, { nil: undefined }),
      data: fc.constant(new Uint8Array(0)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 5 }), fc.array(tensor, { maxLength: 4 }), fc.nat(4096), async (metadata, tensors, trailing) => {
        const bytes = writeGguf({ metadata, tensors, trailing });
        await check({ name: 'structured.gguf', bytes }, bytes, parse);
      }),
      { seed: FUZZ_SEED, numRuns: runs(1000) },
    );
  });
});
