import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZenodoServer, type ZenodoServer } from '../../e2e/zenodo-server/server.mjs';
import { TEST_RECORDS, TINY_PARAMETERS } from '../../e2e/zenodo-server/records.mjs';
import { fetchZenodoRecord } from '../zenodo/fetch-zenodo-record';
import { openSource } from './model-source';
import { pinnedByteSource } from './registry';
import { zenodoSource } from './zenodo-source';

let server: ZenodoServer;
beforeAll(async () => {
  server = await startZenodoServer({ rateLimit: 1000 });
});
afterAll(() => server.close());

describe('zenodoSource', () => {
  it('lists the record files with their MD5s, reads by stream, and states the record metadata', async () => {
    const record = await fetchZenodoRecord(TEST_RECORDS.tiny, { endpoint: server.endpoint });
    const source = zenodoSource(record, { endpoint: server.endpoint });
    expect(source.readCost).toBe('stream');
    expect(source.files.map((f) => [f.path, f.checksum?.algorithm])).toEqual([
      ['README.md', 'md5'],
      ['config.json', 'md5'],
      ['model.safetensors', 'md5'],
    ]);
    expect(source.files[2]!.checksum!.value).toMatch(/^[0-9a-f]{32}$/);
    expect(source.metadata).toEqual({
      title: 'Tiny Llama: a test model',
      authors: ['Lovelace, Ada', 'Babbage, Charles'],
      licence: 'apache-2.0',
      doi: `10.5281/zenodo.${TEST_RECORDS.tiny}`,
      links: [
        { label: 'Zenodo record', url: `${server.endpoint}/records/${TEST_RECORDS.tiny}` },
        { label: 'DOI', url: `https://doi.org/10.5281/zenodo.${TEST_RECORDS.tiny}` },
        { label: 'Concept DOI (all versions)', url: `https://doi.org/10.5281/zenodo.${TEST_RECORDS.tinyConcept}` },
      ],
      related: [
        {
          identifier: 'https://github.com/loupe-test/tiny-llama-training/tree/v1.0',
          relation: 'isSupplementTo',
          resourceType: 'software',
          url: 'https://github.com/loupe-test/tiny-llama-training/tree/v1.0',
        },
        { identifier: '10.5281/zenodo.999001', relation: 'isDerivedFrom', resourceType: 'dataset', url: 'https://doi.org/10.5281/zenodo.999001' },
        { identifier: 'arXiv:2302.13971', relation: 'cites', resourceType: 'publication-preprint', url: 'https://arxiv.org/abs/2302.13971' },
      ],
    });
    const document = await openSource(source, { paths: ['model.safetensors', 'config.json'] });
    expect(document.parameters.total).toBe(TINY_PARAMETERS);
    expect(document.source).toMatchObject({ kind: 'zenodo', metadata: { doi: `10.5281/zenodo.${TEST_RECORDS.tiny}` } });
    expect(source.opened).toEqual(['model.safetensors', 'config.json']);
    expect(() => source.byteSource('elsewhere.bin')).toThrow(/elsewhere\.bin is not a file of Zenodo record/);
  });

  it("reads a pinned record file the same as the file on disk (a tensor's statistics)", async () => {
    const record = await fetchZenodoRecord(TEST_RECORDS.tiny, { endpoint: server.endpoint });
    const file = record.files.find((f) => f.key === 'model.safetensors')!;
    const pinned = pinnedByteSource({ path: file.key, endpoint: server.endpoint, recordId: record.id, contentUrl: file.contentUrl, size: file.size });
    const onDisk = readFileSync(new URL('../../public/examples/tiny-llama/model.safetensors', import.meta.url));
    expect([...(await pinned.read(file.size - 16, 16))]).toEqual([...onDisk.subarray(onDisk.length - 16)]);
  });
});
