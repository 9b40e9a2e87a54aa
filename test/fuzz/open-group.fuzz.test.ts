import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openGroup } from '../../src/formats/open-group';
import { BoundedSource, expectTypedOutcome, FUZZ_SEED, hex, mutate, mutationsArb, runs, seeds, TEST_TIMEOUT_MS, tally } from './fuzz-helpers';

const files = [
  ...seeds('public/examples/tiny-llama/model.safetensors', 'public/examples/tiny-llama/config.json', 'public/examples/tiny-llama/README.md'),
  ...seeds('e2e/models/external-data/model.onnx', 'e2e/models/external-data/model.onnx.data'),
  ...seeds('e2e/models/pytorch/sharded/pytorch_model.bin.index.json', 'e2e/models/pytorch/sharded/pytorch_model-00001-of-00002.bin'),
  ...seeds('e2e/models/pytorch/checkpoint.pt', 'e2e/models/pytorch/hostile/stack-global-memo.pkl'),
];

afterAll(() => {
  if (process.env.FUZZ_RUNS || process.env.FUZZ_TALLY) console.info(`fuzz tally: ${JSON.stringify(tally)}`);
});

describe('openGroup fuzz', () => {
  it('groups of mutated files give a document or a typed error', { timeout: TEST_TIMEOUT_MS }, async () => {
    const member = fc.record({
      index: fc.nat(files.length - 1),
      mutations: fc.option(mutationsArb, { nil: undefined }),
      rename: fc.option(fc.constantFrom('README.md', 'config.json', 'model.safetensors', 'x.onnx', 'a.bin', 'noext'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(member, { minLength: 1, maxLength: 5 }), async (group) => {
        const sources = group.map((m) => {
          const seed = files[m.index]!;
          const bytes = m.mutations ? mutate(seed.bytes, m.mutations) : seed.bytes;
          return new BoundedSource(bytes, m.rename ?? seed.name);
        });
        tally.cases++;
        try {
          const outcome = await expectTypedOutcome((signal) => openGroup(sources, { signal }));
          if (outcome === 'ok') tally.ok++;
          else tally.typed++;
        } catch (error) {
          const e = error as Error;
          const detail = group
            .map((m, i) => `${sources[i]!.name}: ${hex(m.mutations ? mutate(files[m.index]!.bytes, m.mutations) : files[m.index]!.bytes, 512)}`)
            .join('\n');
          throw new Error(`openGroup threw ${e.name}: ${e.message}\n${detail}\n${e.stack ?? ''}`, { cause: error });
        }
      }),
      { seed: FUZZ_SEED, numRuns: runs(600) },
    );
  });

  it('cancelling at any point gives CancelledError, not another error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 20 }), async (ticks) => {
        const controller = new AbortController();
        const sources = files.slice(0, 3).map((f) => new BoundedSource(f.bytes, f.name));
        const opening = openGroup(sources, { signal: controller.signal });
        for (let i = 0; i < ticks; i++) await Promise.resolve();
        controller.abort();
        const result = await opening.then(
          () => 'ok',
          (error: unknown) => (error as { code?: string }).code,
        );
        expect(['ok', 'cancelled']).toContain(result);
      }),
      { seed: FUZZ_SEED, numRuns: runs(100) },
    );
  });
});
