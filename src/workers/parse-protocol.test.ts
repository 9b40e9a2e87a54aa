import { describe, expect, it } from 'vitest';
import { HubError } from '../hub/hub-error';
import { isWorkerResponse } from './worker-protocol';
import { PARSE_PROTOCOL, isParseRequest, rehydrate } from './parse-protocol';
import { ZenodoError } from '../zenodo/zenodo-error';

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

  it('checks Zenodo open requests: an id, and a record whose files are all on the endpoint', () => {
    const record = {
      id: '1',
      endpoint: 'https://zenodo.org',
      title: 't',
      description: '',
      creators: [],
      relatedIdentifiers: [],
      files: [{ key: 'a', size: 1, contentUrl: 'https://zenodo.org/api/records/1/files/a/content' }],
    };
    expect(isParseRequest({ type: 'open-zenodo', id: 1, request: { endpoint: 'https://zenodo.org', recordId: '123' } })).toBe(true);
    expect(isParseRequest({ type: 'open-zenodo', id: 1, request: { endpoint: 'https://zenodo.org', recordId: '1', record } })).toBe(true);
    expect(isParseRequest({ type: 'open-zenodo', id: 1, request: { endpoint: 'https://zenodo.org', recordId: '../x' } })).toBe(false);
    expect(isParseRequest({ type: 'open-zenodo', id: 1, request: { recordId: '123' } })).toBe(false);
    const elsewhere = { ...record, files: [{ key: 'a', size: 1, contentUrl: 'https://evil.example/a' }] };
    expect(isParseRequest({ type: 'open-zenodo', id: 1, request: { endpoint: 'https://zenodo.org', recordId: '1', record: elsewhere } })).toBe(false);
  });

  it('rebuilds a ZenodoError, not a HubError, from a Zenodo kind, so retry decisions survive the boundary', () => {
    const zenodo = rehydrate(new ZenodoError('rate-limited', 'slow down', { status: 429, retryAfterMs: 2000 }).toJSON());
    expect(zenodo).toBeInstanceOf(ZenodoError);
    expect(zenodo).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 2000, transient: true });
    expect(rehydrate(new HubError('rate-limited', 'slow down').toJSON())).toBeInstanceOf(HubError);
  });

  it('checks MD5 requests and answers', () => {
    expect(isParseRequest({ type: 'md5', id: 1, file: { path: 'a', blob: new Blob([]) } })).toBe(true);
    expect(isParseRequest({ type: 'md5', id: 1, file: { path: 'a' } })).toBe(false);
    expect(PARSE_PROTOCOL.isResponse.md5('d41d8cd98f00b204e9800998ecf8427e')).toBe(true);
    expect(PARSE_PROTOCOL.isResponse.md5('not hex')).toBe(false);
  });
});
