import { describe, expect, it } from 'vitest';
import { HubError } from '../hub/hub-error';
import { isWorkerResponse } from './worker-protocol';
import { PARSE_PROTOCOL, isParseRequest } from './parse-protocol';

describe('parse worker messages are checked where they arrive', () => {
  it('accepts well-formed requests', () => {
    expect(isParseRequest({ type: 'open', id: 1, sourceKind: 'local', files: [{ path: 'a', blob: new Blob([]) }] })).toBe(true);
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
    const { isProgress, isResponse } = PARSE_PROTOCOL;
    expect(isWorkerResponse({ type: 'progress', id: 1, progress: { done: 1, total: 2, file: 'a' } }, isProgress)).toBe(true);
    expect(isWorkerResponse({ type: 'error', id: 1, error: { code: 'format', message: 'bad' } }, isProgress)).toBe(true);
    expect(isWorkerResponse({ type: 'error', id: 1, error: { code: 'nope', message: 'bad' } }, isProgress)).toBe(false);
    expect(isWorkerResponse({ type: 'progress', id: 1 }, isProgress)).toBe(false);
    expect(isResponse.open({ tensors: [], formats: [] })).toBe(true);
    expect(isResponse.open({})).toBe(false);
    expect(isResponse['draft-card']('# card')).toBe(true);
    expect(isResponse['draft-card']({ text: '# card' })).toBe(false);
    const result = { count: 2, differing: 1, nanMismatches: 0, maxAbs: 0.5, maxRel: 0.1, rms: 0.3, cosine: NaN };
    expect(isResponse['compare-values'](result)).toBe(true);
    expect(isResponse['compare-values']({ ...result, rms: '0.3' })).toBe(false);
  });

  it('rebuilds a HubError with its kind, so retry decisions survive the boundary', () => {
    const error = PARSE_PROTOCOL.fromWire(new HubError('rate-limited', 'slow down', { status: 429, retryAfterMs: 2000 }).toJSON());
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 2000, transient: true });
  });
});
