import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { assembleOnnx } from '../../src/formats/onnx/assemble-onnx';
import { parseOnnx } from '../../src/formats/onnx/parse-onnx';
import { check, FUZZ_SEED, fuzzMutations, runs, seeds, TEST_TIMEOUT_MS, type Parse, tally } from './fuzz-helpers';

const models = seeds('e2e/models/tiny-transformer/model.onnx', 'e2e/models/external-data/model.onnx');
const hostile = seeds(
  'e2e/hostile/onnx-valid-control.onnx',
  'e2e/hostile/onnx-recursive-function.onnx',
  'e2e/hostile/onnx-if-nested-1000.onnx',
  'e2e/hostile/onnx-raw-data-short.onnx',
);

/** Parse, then assemble as openGroup does (tensors, external data paths, warnings). */
const parseAndAssemble: Parse = async (source, signal) => {
  const model = await parseOnnx(source, signal);
  return assembleOnnx(model, source.name, [
    { path: source.name, size: source.size },
    { path: 'model.onnx.data', size: 5392 },
  ]);
};

afterAll(() => {
  if (process.env.FUZZ_RUNS || process.env.FUZZ_TALLY) console.info(`fuzz tally: ${JSON.stringify(tally)}`);
});

describe('ONNX fuzz', () => {
  it('mutated models give a model or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(models, parseAndAssemble, runs(1500));
  });

  it('mutated hand-written hostile models give a model or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(hostile, parseAndAssemble, runs(1000));
  });

  it('random protobuf after a valid ir_version gives a model or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    const field = fc.record({ field: fc.integer({ min: 1, max: 30 }), wire: fc.integer({ min: 0, max: 7 }), payload: fc.uint8Array({ maxLength: 48 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(field, { maxLength: 12 }), async (fields) => {
        const bytes: number[] = [0x08, 0x08];
        for (const f of fields) {
          bytes.push((((f.field << 3) | f.wire) & 0x7f) | (f.field >= 16 ? 0x80 : 0), ...(f.field >= 16 ? [f.field >> 4] : []));
          if (f.wire === 2) bytes.push(f.payload.length);
          bytes.push(...f.payload);
        }
        await check({ name: 'random.onnx', bytes: Uint8Array.from(bytes) }, Uint8Array.from(bytes), parseAndAssemble);
      }),
      { seed: FUZZ_SEED, numRuns: runs(500) },
    );
  });
});
