import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { parseSafetensors } from '../../src/formats/safetensors/parse-safetensors';
import { parseSafetensorsIndex } from '../../src/formats/safetensors/parse-safetensors-index';
import { check, FUZZ_SEED, fuzzMutations, runs, seeds, TEST_TIMEOUT_MS, tally } from './fuzz-helpers';

const weights = seeds('public/examples/tiny-llama/model.safetensors');
// The parser reads the header only and checks offsets against the size: mutations are biased to the head.
const small = weights[0]!;
const index = {
  name: 'model.safetensors.index.json',
  bytes: new TextEncoder().encode(
    JSON.stringify({
      metadata: { total_size: 318_000 },
      weight_map: { 'model.embed_tokens.weight': 'model-00001-of-00002.safetensors', 'lm_head.weight': 'model-00002-of-00002.safetensors' },
    }),
  ),
};

afterAll(() => {
  if (process.env.FUZZ_RUNS || process.env.FUZZ_TALLY) console.info(`fuzz tally: ${JSON.stringify(tally)}`);
});

describe('safetensors fuzz', () => {
  it('mutated headers give a header or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(weights, parseSafetensors, runs(3000));
  });

  it('any u64 header length, over any file size', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 40 })), async (length, extra) => {
        const bytes = small.bytes.slice();
        new DataView(bytes.buffer).setBigUint64(0, length, true);
        // A declared size beyond the bytes held stands for a huge file: reads past the bytes return zeros.
        const size = bytes.length + extra;
        await check(small, bytes, (source, signal) => parseSafetensors(Object.assign(source, { size }), signal));
      }),
      { seed: FUZZ_SEED, numRuns: runs(300) },
    );
  });

  it('structured headers with extreme values give a header or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    const extreme = fc.oneof(fc.nat(64), fc.constantFrom(-1, 2 ** 53, 2 ** 64, 1e308, 0.5, 'x', null));
    const tensor = fc.record(
      {
        dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'BOOL', 'F4', 'F6_E2M3', 'U4', 'STRING', 'f32', ''),
        shape: fc.array(extreme, { maxLength: 5 }),
        data_offsets: fc.tuple(extreme, extreme),
      },
      { requiredKeys: [] },
    );
    const name = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__metadata__', '__proto__', 'constructor', ''));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, tensor), { maxLength: 8 }), fc.nat(4096), async (entries, dataLength) => {
        const json = new TextEncoder().encode(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
        const bytes = new Uint8Array(8 + json.length + dataLength);
        new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
        bytes.set(json, 8);
        await check({ name: 'model.safetensors', bytes }, bytes, parseSafetensors);
      }),
      { seed: FUZZ_SEED, numRuns: runs(1000) },
    );
  });

  it('mutated indexes give an index or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations([index], parseSafetensorsIndex, runs(500));
  });
});
