import { describe, expect, it } from 'vitest';
import { isParseRequest, isParseResponse } from './parse-protocol';

describe('parse worker messages are checked where they arrive', () => {
  it('accepts well-formed requests', () => {
    expect(isParseRequest({ type: 'open', id: 1, sourceKind: 'local', files: [{ path: 'a', blob: new Blob([]) }] })).toBe(true);
    expect(isParseRequest({ type: 'cancel', id: 2 })).toBe(true);
    const side = { file: { path: 'a', blob: new Blob([]) }, tensor: { name: 'w', dtype: 'F32', shape: [2], elements: 2, byteOffset: 8, byteLength: 8 } };
    expect(isParseRequest({ type: 'compare-values', id: 3, a: side, b: side })).toBe(true);
    expect(isParseRequest({ type: 'compare-values', id: 3, a: side, b: { ...side, tensor: { ...side.tensor, byteOffset: -1 } } })).toBe(false);
    expect(isParseRequest({ type: 'compare-values', id: 3, a: { ...side, ggml: { littleEndian: false } }, b: side })).toBe(true);
    expect(isParseRequest({ type: 'compare-values', id: 3, a: { ...side, ggml: { littleEndian: 'no' } }, b: side })).toBe(false);
  });

  it('rejects malformed requests', () => {
    expect(isParseRequest(null)).toBe(false);
    expect(isParseRequest({ type: 'open', id: '1', sourceKind: 'local', files: [] })).toBe(false);
    expect(isParseRequest({ type: 'open', id: 1, sourceKind: 'hub', files: [] })).toBe(false);
    expect(isParseRequest({ type: 'open', id: 1, sourceKind: 'local', files: [{ path: 'a', blob: 'bytes' }] })).toBe(false);
    expect(isParseRequest({ type: 'exec', id: 1 })).toBe(false);
  });

  it('accepts well-formed responses and rejects the rest', () => {
    expect(isParseResponse({ type: 'progress', id: 1, done: 1, total: 2, file: 'a' })).toBe(true);
    expect(isParseResponse({ type: 'error', id: 1, error: { code: 'format', message: 'bad' } })).toBe(true);
    expect(isParseResponse({ type: 'result', id: 1, document: { tensors: [], formats: [] } })).toBe(true);
    expect(isParseResponse({ type: 'error', id: 1, error: { code: 'nope', message: 'bad' } })).toBe(false);
    expect(isParseResponse({ type: 'result', id: 1, document: {} })).toBe(false);
    expect(isParseResponse({ type: 'progress', id: 1 })).toBe(false);
    const result = { count: 2, differing: 1, nanMismatches: 0, maxAbs: 0.5, maxRel: 0.1, rms: 0.3, cosine: NaN };
    expect(isParseResponse({ type: 'compare-result', id: 1, result })).toBe(true);
    expect(isParseResponse({ type: 'compare-result', id: 1, result: { ...result, rms: '0.3' } })).toBe(false);
  });
});
