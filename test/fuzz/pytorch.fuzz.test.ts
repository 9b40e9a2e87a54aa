import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { parsePytorch } from '../../src/formats/pytorch/parse-pytorch';
import { check, FUZZ_SEED, fuzzMutations, runs, seeds, TEST_TIMEOUT_MS, tally } from './fuzz-helpers';

const P = 'e2e/models/pytorch';
const zips = seeds(`${P}/checkpoint.pt`, `${P}/state-dict-zip.pt`, `${P}/tied-weights.pt`, `${P}/views.pt`, `${P}/torchscript.pt`, `${P}/dtypes.pt`);
const legacy = seeds(`${P}/legacy-protocol-4.pt`, `${P}/state-dict-legacy.pt`, `${P}/tied-weights-legacy.pt`, `${P}/views-legacy.pt`);
const pickles = seeds(
  `${P}/hostile/stack-global-memo.pkl`,
  `${P}/hostile/os-system-global.pkl`,
  `${P}/hostile/main-class.pkl`,
  `${P}/hostile/prefix-then-garbage.pkl`,
  `${P}/hostile/zip-bomb.pt`,
  `${P}/hostile/extra-pickle.pt`,
);

afterAll(() => {
  if (process.env.FUZZ_RUNS || process.env.FUZZ_TALLY) console.info(`fuzz tally: ${JSON.stringify(tally)}`);
});

describe('PyTorch fuzz', () => {
  it('mutated zip checkpoints give a parse or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(zips, parsePytorch, runs(1200));
  });

  it('mutated legacy checkpoints give a parse or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(legacy, parsePytorch, runs(1000));
  });

  it('mutated raw and hostile pickles give a parse or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fuzzMutations(pickles, parsePytorch, runs(1000));
  });

  it('random opcode streams give a parse or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Opcodes with extreme arguments: lengths and memo indexes at 0, 2^31-1, 2^32-1.
    const extreme = fc.constantFrom([0, 0, 0, 0], [0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff], [1, 0, 0, 0]);
    const op = fc.oneof(
      fc.tuple(fc.constantFrom(0x58, 0x42, 0x54, 0x72, 0x6a, 0x8c, 0x8b, 0x4a), extreme).map(([o, a]) => [o, ...a]),
      fc.constantFrom(
        [0x5d],
        [0x28],
        [0x61],
        [0x65],
        [0x74],
        [0x52],
        [0x62],
        [0x93],
        [0x4e],
        [0x94],
        [0x30],
        [0x7d],
        [0x73],
        [0x75],
        [0x71, 0x00],
        [0x68, 0x00],
        [0x8c, 0x02, 0x6f, 0x73],
        [0x63, 0x6f, 0x73, 0x0a, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x0a],
        [0x67, 0x34, 0x32, 0x39, 0x34, 0x39, 0x36, 0x37, 0x32, 0x39, 0x36, 0x0a],
      ),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => [...a]),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.array(op, { maxLength: 40 }), fc.boolean(), async (protocol, ops, stop) => {
        const bytes = Uint8Array.from([0x80, protocol, ...ops.flat(), ...(stop ? [0x2e] : [])]);
        await check({ name: 'random.pkl', bytes }, bytes, parsePytorch);
      }),
      { seed: FUZZ_SEED, numRuns: runs(1500) },
    );
  });
});
