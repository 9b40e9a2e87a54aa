import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PickleVerdict } from '../../model/pickle';
import { NodeFileSource } from '../onnx/node-file-source';

/** Test-only: a tensor as PyTorch described it in e2e/models/pytorch/expected.json (scripts/make-pytorch-fixtures.py). */
export interface ExpectedTensor {
  name: string;
  dtype: string;
  shape: number[];
  stride: number[];
  storageOffset: number;
  contiguous: boolean;
  sha256: string;
  sharedWith?: string[];
}

/** Test-only: what a fixture must yield: its container, verdict, imports and tensors, or the error. */
export interface ExpectedFixture {
  container?: string;
  protocol?: number;
  verdict?: PickleVerdict;
  imports?: string[];
  tensors?: ExpectedTensor[];
  error?: string;
  field?: string;
  bomb?: string;
}

/** Test-only: the fixture folder, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL('../../../e2e/models/pytorch/', import.meta.url));

/** Test-only: e2e/models/pytorch/expected.json, by fixture path. */
export const EXPECTED = (JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8')) as { fixtures: Record<string, ExpectedFixture> }).fixtures;

/** Test-only: a fixture as a ByteSource named by its path under the fixture folder. */
export function fixture(name: string): NodeFileSource {
  return new NodeFileSource(FIXTURES + name, name);
}

/** Test-only: hex sha256, as the fixture script writes it. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
