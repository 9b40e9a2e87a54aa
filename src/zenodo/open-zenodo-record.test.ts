import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startZenodoServer, type ZenodoServer } from '../../e2e/zenodo-server/server.mjs';
import { BIG_PARAMETERS, TEST_RECORDS, TINY_PARAMETERS } from '../../e2e/zenodo-server/records.mjs';
import { NodeFileSource } from '../../test/node/node-file-source';
import { openGroup } from '../formats/open-group';
import type { ModelDocument } from '../model/document';
import { openZenodoRecord, pickZenodoFiles } from './open-zenodo-record';
import { ZenodoError } from './zenodo-error';

let server: ZenodoServer;
beforeAll(async () => {
  server = await startZenodoServer({ rateLimit: 1000 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const open = (recordId: string) => openZenodoRecord({ endpoint: server.endpoint, recordId });
const local = (...paths: string[]) => openGroup(paths.map((p) => new NodeFileSource(new URL(`../../${p}`, import.meta.url).pathname, p.split('/').pop())));
/** What must not depend on where the files came from. */
const facts = (doc: ModelDocument) => ({
  formats: [...doc.formats].sort(),
  parameters: doc.parameters,
  tensors: doc.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteOffset, t.byteLength]),
});

describe('openZenodoRecord against the Zenodo test server', () => {
  it('opens the tiny Llama record as the same model as its files dropped locally, one request per file', async () => {
    const { document, record, files, descriptionHtml } = await open(TEST_RECORDS.tiny);
    expect(descriptionHtml).toContain('<strong>tiny</strong>');
    expect(descriptionHtml).not.toMatch(/<script|onerror|__zenodoDescriptionRan/);
    expect(document.parameters.total).toBe(TINY_PARAMETERS);
    expect(document.source.kind).toBe('zenodo');
    const dropped = await local(
      'public/examples/tiny-llama/model.safetensors',
      'public/examples/tiny-llama/config.json',
      'public/examples/tiny-llama/README.md',
    );
    expect(facts(document)).toEqual(facts(dropped));
    expect(record.relatedIdentifiers.map((r) => r.relation)).toEqual(['isSupplementTo', 'isDerivedFrom', 'cites']);
    expect(files.every((f) => f.opened)).toBe(true);
    expect(server.stats().requests.map((r) => r.url.replace(/\/files\/.*/, '/files/…'))).toEqual([
      `/api/records/${TEST_RECORDS.tiny}`,
      ...Array(3).fill(`/api/records/${TEST_RECORDS.tiny}/files/…`),
    ]);
  });

  it('opens a concept id at its latest version', async () => {
    const { record } = await open(TEST_RECORDS.tinyConcept);
    expect(record).toMatchObject({ id: TEST_RECORDS.tiny, conceptId: TEST_RECORDS.tinyConcept, version: 'v1.0' });
    expect(
      server
        .stats()
        .requests.slice(0, 3)
        .map((r) => [r.url, r.status]),
    ).toEqual([
      [`/api/records/${TEST_RECORDS.tinyConcept}`, 404],
      [`/api/records/${TEST_RECORDS.tinyConcept}/versions/latest`, 302],
      [`/api/records/${TEST_RECORDS.tiny}`, 200],
    ]);
  });

  it('reads the 5 GiB record header with the server writing less than 16 MiB', async () => {
    const { document, bytesReceived } = await open(TEST_RECORDS.big);
    expect(document.parameters.total).toBe(BIG_PARAMETERS);
    expect(document.tensors).toHaveLength(20);
    expect(bytesReceived).toBeLessThan(16 * 1024 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the server see the hang-up
    const content = server.stats().requests.filter((r) => r.url.endsWith('/content'));
    expect(content).toHaveLength(1);
    expect(content[0]!.hungUp).toBe(true);
    expect(server.stats().bytes).toBeLessThan(16 * 1024 * 1024);
  });

  it('opens ONNX with external data, as when dropped locally', async () => {
    const { document } = await open(TEST_RECORDS.onnx);
    expect(facts(document)).toEqual(facts(await local('e2e/models/external-data/model.onnx', 'e2e/models/external-data/model.onnx.data')));
    expect(document.graphs?.length).toBe(1);
  });

  it('scans the pickle and gives the same verdict as locally', async () => {
    const { document } = await open(TEST_RECORDS.pickle);
    const dropped = await local('e2e/models/pytorch/tiny-bin/pytorch_model.bin', 'e2e/models/pytorch/tiny-bin/config.json');
    expect(document.pickle?.verdict).toBe(dropped.pickle?.verdict);
    expect(document.pickle?.verdict).toBe('safe');
    expect(facts(document)).toEqual(facts(dropped));
  });

  it("says that a restricted record's files are restricted", async () => {
    const error = await open(TEST_RECORDS.restricted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZenodoError);
    expect(error).toMatchObject({ kind: 'restricted', status: 403, message: expect.stringMatching(/^The files of record 1000040 are restricted/) });
  });

  it('reports a rate limit with the time to wait', async () => {
    server.setRateLimit(1, 30);
    const error = await open(TEST_RECORDS.tiny).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, limit: 1 });
    expect((error as ZenodoError).retryAfterMs).toBeGreaterThan(25_000);
    expect((error as ZenodoError).message).toMatch(/try again in \d+ s \(at \d\d:\d\d UTC\)/);
  });
});

describe('pickZenodoFiles', () => {
  const file = (key: string) => ({ key, size: 1, contentUrl: `https://z.test/${key}` });
  it('groups weights, config and card, and leaves archives and unsafe extras out', () => {
    const keys = (names: string[]) => pickZenodoFiles(names.map(file)).map((f) => f.key);
    expect(keys(['code.zip', 'README.md', 'model.safetensors', 'config.json', 'pytorch_model.bin', 'data.tar.gz'])).toEqual([
      'model.safetensors',
      'config.json',
      'README.md',
    ]);
    expect(keys(['model.onnx', 'model.onnx.data', 'notes.txt'])).toEqual(['model.onnx', 'model.onnx.data']);
    expect(keys(['model.pt', 'sub/config.json', 'config.json'])).toEqual(['model.pt', 'config.json']);
    expect(keys(['code.zip'])).toEqual([]);
  });
});
