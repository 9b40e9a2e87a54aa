import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ByteSource } from '../../src/model/byte-source';
import { checkRange } from '../../src/bytes/check-range';
import { LoupeError } from '../../src/model/errors';

/** The repository root (src/fuzz/../..). Fixtures are read from e2e/ and public/ inside the repository only. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** One fixed seed, so the normal unit run tries the same cases every time. */
export const FUZZ_SEED = 0x10c0be;
/** Runs per property, overriding every default: FUZZ_RUNS=200000 for a long campaign. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 0;
/** How long one parse may take before it counts as a hang. */
export const CALL_TIMEOUT_MS = 2_000;
/** No single read may ask for more than this… */
export const MAX_READ_BYTES = 64 * 1024 * 1024;
/** …nor all reads of one parse together. */
export const MAX_TOTAL_READ_BYTES = 256 * 1024 * 1024;

/** Runs for a property: twice `defaultRuns` in the unit run (fast enough on 2 cores), FUZZ_RUNS when set. */
export function runs(defaultRuns: number): number {
  return FUZZ_RUNS > 0 ? FUZZ_RUNS : defaultRuns * 2;
}

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, path)));
}

/** Thrown by BoundedSource when a parser asks for more than the bounds: an allocation bug. */
export class AllocationBoundError extends Error {
  override name = 'AllocationBoundError';
}

/** An in-memory ByteSource that refuses reads past MAX_READ_BYTES at once or MAX_TOTAL_READ_BYTES in all. */
export class BoundedSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #bytes: Uint8Array;
  total = 0;

  constructor(bytes: Uint8Array, name: string, size = bytes.length) {
    this.#bytes = bytes;
    this.name = name;
    this.size = size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length, signal);
    if (length > MAX_READ_BYTES) throw new AllocationBoundError(`${this.name}: one read of ${length} bytes`);
    this.total += length;
    if (this.total > MAX_TOTAL_READ_BYTES) throw new AllocationBoundError(`${this.name}: ${this.total} bytes read in all`);
    if (offset + length > this.#bytes.length) {
      // A declared size larger than the bytes held (a huge file simulated): zeros past the end.
      const out = new Uint8Array(length);
      if (offset < this.#bytes.length) out.set(this.#bytes.subarray(offset));
      return out;
    }
    return this.#bytes.slice(offset, offset + length);
  }
}

export class HangError extends Error {
  override name = 'HangError';
}

/** Runs `work` with an AbortSignal; a result or error must come within CALL_TIMEOUT_MS. */
export async function bounded<T>(work: (signal: AbortSignal) => Promise<T>, ms = CALL_TIMEOUT_MS): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * The property every parser must keep: a result, or a typed LoupeError that is not 'internal'
 * ('internal' means a bug: an exception nobody anticipated). Anything else is rethrown so
 * fast-check shrinks it.
 */
export async function expectTypedOutcome(work: (signal: AbortSignal) => Promise<unknown>): Promise<'ok' | LoupeError> {
  try {
    await bounded(work);
    return 'ok';
  } catch (error) {
    if (error instanceof LoupeError && error.code !== 'internal') return error;
    throw error;
  }
}

/** One mutation of a byte array; positions are fractions, so one arbitrary serves every fixture size. */
export interface MutationSpec {
  kind: 'flip' | 'truncate' | 'splice' | 'insert' | 'delete' | 'extreme';
  p: number;
  q: number;
  n: number;
  bytes: number[];
  width: 1 | 2 | 4 | 8;
  value: 'max' | 'zero' | 'high' | 'min';
}

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutationArb: fc.Arbitrary<MutationSpec> = fc.record({
  kind: fc.constantFrom<MutationSpec['kind']>('flip', 'flip', 'flip', 'truncate', 'splice', 'insert', 'delete', 'extreme', 'extreme'),
  p: position,
  q: position,
  n: fc.integer({ min: 1, max: 64 }),
  bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
  width: fc.constantFrom<1 | 2 | 4 | 8>(1, 2, 4, 8),
  value: fc.constantFrom<'max' | 'zero' | 'high' | 'min'>('max', 'zero', 'high', 'min'),
});

/** Positions biased to the head, where headers and length fields live. */
function pick(p: number, length: number, headBias: boolean): number {
  if (length === 0) return 0;
  const skewed = headBias ? p * p * p : p;
  return Math.min(length - 1, Math.floor(skewed * length));
}

export function mutate(input: Uint8Array, mutations: readonly MutationSpec[]): Uint8Array {
  let bytes = input;
  for (const m of mutations) {
    const at = pick(m.p, bytes.length, m.q < 0.6);
    switch (m.kind) {
      case 'flip': {
        bytes = bytes.slice();
        if (bytes.length) bytes[at] = m.n < 32 ? bytes[at]! ^ (1 << (m.n % 8)) : m.bytes[0]!;
        break;
      }
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'delete':
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + m.n));
        break;
      case 'insert':
        bytes = concat(bytes.subarray(0, at), Uint8Array.from(m.bytes), bytes.subarray(at));
        break;
      case 'splice': {
        const from = pick(m.q, bytes.length, false);
        const chunk = bytes.slice(from, from + m.n * 8);
        bytes = concat(bytes.subarray(0, at), chunk, bytes.subarray(at));
        break;
      }
      case 'extreme': {
        bytes = bytes.slice();
        const fill = m.value === 'max' ? 0xff : m.value === 'zero' ? 0 : m.value === 'high' ? 0x7f : 0x80;
        for (let i = 0; i < m.width && at + i < bytes.length; i++) bytes[at + i] = i === m.width - 1 && m.value === 'high' ? 0x7f : fill;
        break;
      }
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

/** Hex of bytes, for a failure report. */
export function hex(bytes: Uint8Array, max = 4096): string {
  return Buffer.from(bytes.subarray(0, max)).toString('hex') + (bytes.length > max ? `…(+${bytes.length - max})` : '');
}

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

/** Loads fixtures as seeds; the file name (which sniffers look at) is kept. */
export function seeds(...paths: string[]): Seed[] {
  return paths.map((path) => ({ name: path.slice(path.lastIndexOf('/') + 1), bytes: fixture(path) }));
}

export type Parse = (source: BoundedSource, signal: AbortSignal) => Promise<unknown>;

/** Tallies, printed at the end of a file, for SECURITY.md. */
export const tally = { cases: 0, ok: 0, typed: 0 };

/** Runs one mutated input; a failure carries the exact bytes as hex, to become a regression test. */
export async function check(seed: Seed, bytes: Uint8Array, parse: Parse): Promise<void> {
  tally.cases++;
  try {
    const outcome = await expectTypedOutcome((signal) => parse(new BoundedSource(bytes, seed.name), signal));
    if (outcome === 'ok') tally.ok++;
    else tally.typed++;
  } catch (error) {
    const e = error as Error;
    throw new Error(`${seed.name} (${bytes.length} bytes) threw ${e.name}: ${e.message}\nbytes: ${hex(bytes)}\n${e.stack ?? ''}`, { cause: error });
  }
}

/** The mutation property over a set of seeds, with the fixed seed. */
export async function fuzzMutations(seedFiles: Seed[], parse: Parse, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.nat(seedFiles.length - 1), mutationsArb, async (index, mutations) => {
      const seed = seedFiles[index]!;
      await check(seed, mutate(seed.bytes, mutations), parse);
    }),
    { seed: FUZZ_SEED, numRuns },
  );
}

/** Per-test timeout: generous, since a long FUZZ_RUNS campaign runs in the same tests. */
export const TEST_TIMEOUT_MS = FUZZ_RUNS > 0 ? 24 * 60 * 60 * 1000 : 60_000;
