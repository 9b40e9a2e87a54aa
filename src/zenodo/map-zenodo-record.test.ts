import { describe, expect, it } from 'vitest';
import { apiRecordFixture } from '../../test/fixtures/zenodo-record-fixture';
import { filesOf, linkOf, mapZenodoRecord, MAX_RECORD_FILES } from './map-zenodo-record';
import { ZenodoError } from './zenodo-error';

const ENDPOINT = 'https://zenodo.org';

describe('mapZenodoRecord', () => {
  it('maps a record as zenodo.org sends it', () => {
    expect(mapZenodoRecord(apiRecordFixture(), ENDPOINT)).toEqual({
      id: '10934567',
      conceptId: '10934566',
      endpoint: ENDPOINT,
      title: 'Tiny Llama: a test model',
      creators: [
        { name: 'Lovelace, Ada', affiliation: 'Analytical Engines', orcid: '0000-0002-1825-0097', orcidUrl: 'https://orcid.org/0000-0002-1825-0097' },
        { name: 'Babbage, Charles' },
      ],
      version: 'v1.0',
      publicationDate: '2024-03-01',
      license: 'apache-2.0',
      doi: '10.5281/zenodo.10934567',
      doiUrl: 'https://doi.org/10.5281/zenodo.10934567',
      conceptDoi: '10.5281/zenodo.10934566',
      conceptDoiUrl: 'https://doi.org/10.5281/zenodo.10934566',
      htmlUrl: 'https://zenodo.org/records/10934567',
      description: '<p>A <strong>tiny</strong> Llama-shaped model.</p><script>alert(1)</script>',
      resourceType: 'other',
      accessRight: 'open',
      relatedIdentifiers: [
        {
          identifier: 'https://github.com/loupe-test/tiny-llama/tree/v1.0',
          relation: 'isSupplementTo',
          resourceType: 'software',
          scheme: 'url',
          url: 'https://github.com/loupe-test/tiny-llama/tree/v1.0',
        },
        {
          identifier: '10.5281/zenodo.1111111',
          relation: 'isDerivedFrom',
          resourceType: 'dataset',
          scheme: 'doi',
          url: 'https://doi.org/10.5281/zenodo.1111111',
        },
        { identifier: 'arXiv:2302.13971', relation: 'cites', resourceType: 'publication-preprint', scheme: 'arxiv', url: 'https://arxiv.org/abs/2302.13971' },
      ],
      files: [
        {
          key: 'model.safetensors',
          size: 318232,
          md5: '0d6c1d2a3c0f7e9b8a7c6d5e4f3a2b1c',
          contentUrl: 'https://zenodo.org/api/records/10934567/files/model.safetensors/content',
        },
        {
          key: 'config.json',
          size: 442,
          md5: '11111111111111111111111111111111',
          contentUrl: 'https://zenodo.org/api/records/10934567/files/config.json/content',
        },
      ],
    });
  });

  it('reads the InvenioRDM shape of files too (entries keyed by name, links.content)', () => {
    const files = {
      enabled: true,
      entries: {
        'a.onnx': {
          key: 'a.onnx',
          size: 10,
          checksum: 'md5:ABCDEFABCDEFABCDEFABCDEFABCDEFAB',
          links: { content: 'https://zenodo.org/api/records/5/files/a.onnx/content' },
        },
      },
    };
    expect(mapZenodoRecord({ id: 5, files, metadata: { title: 'x' } }, ENDPOINT).files).toEqual([
      { key: 'a.onnx', size: 10, md5: 'abcdefabcdefabcdefabcdefabcdefab', contentUrl: 'https://zenodo.org/api/records/5/files/a.onnx/content' },
    ]);
    expect(filesOf({ entries: [{ key: 'b' }] })).toEqual([{ key: 'b' }]);
  });

  it('keeps content URLs on the endpoint, whatever the links say', () => {
    const files = [{ key: 'dir/a b.bin', size: 1, links: { self: 'https://elsewhere.example/steal' } }];
    expect(mapZenodoRecord({ id: 7, files }, 'http://127.0.0.1:5290').files[0]!.contentUrl).toBe(
      'http://127.0.0.1:5290/api/records/7/files/dir/a%20b.bin/content',
    );
  });

  it('drops malformed parts instead of failing, and bounds what it keeps', () => {
    const record = mapZenodoRecord(
      {
        id: '42',
        doi: 'not a doi',
        metadata: {
          title: '  ',
          creators: [{ name: '' }, null, { name: 'X', orcid: 'javascript:alert(1)' }],
          related_identifiers: [{ identifier: 'javascript:alert(1)', relation: 'references', scheme: 'url' }, { relation: 'references' }],
          license: '',
          publication_date: 'yesterday',
        },
        files: [
          { key: 'ok', size: 1 },
          { key: 'neg', size: -1 },
          { key: 'big', size: 2 ** 60 },
          { size: 3 },
          { key: 'md5', size: 1, checksum: 'sha256:abc' },
          ...Array.from({ length: MAX_RECORD_FILES }, (_, i) => ({ key: `f${i}`, size: 1 })),
        ],
      },
      ENDPOINT,
    );
    expect(record.title).toBe('Record 42');
    expect(record.doi).toBeUndefined();
    expect(record.license).toBeUndefined();
    expect(record.publicationDate).toBeUndefined();
    expect(record.creators).toEqual([{ name: 'X' }]);
    expect(record.relatedIdentifiers).toEqual([{ identifier: 'javascript:alert(1)', relation: 'references', scheme: 'url' }]);
    expect(record.files.slice(0, 2).map((f) => f.key)).toEqual(['ok', 'md5']);
    expect(record.files[1]!.md5).toBeUndefined();
    expect(record.files).toHaveLength(MAX_RECORD_FILES - 3);
  });

  it('refuses an answer that is not a record', () => {
    for (const value of [null, [], 'x', 42, { metadata: {} }, { id: -1 }, { id: '12a' }]) {
      expect(() => mapZenodoRecord(value, ENDPOINT)).toThrow(ZenodoError);
    }
    expect(() => mapZenodoRecord({}, ENDPOINT)).toThrow('zenodo.org answered a record without an id.');
  });
});

describe('linkOf', () => {
  it('makes http(s) links from identifiers by scheme, and nothing else', () => {
    expect(linkOf('10.1000/xyz', 'doi')).toBe('https://doi.org/10.1000/xyz');
    expect(linkOf('https://doi.org/10.1000/xyz', 'doi')).toBe('https://doi.org/10.1000/xyz');
    expect(linkOf('10.1000/xyz', undefined)).toBe('https://doi.org/10.1000/xyz');
    expect(linkOf('2302.13971', 'arxiv')).toBe('https://arxiv.org/abs/2302.13971');
    expect(linkOf('11234/1-3105', 'handle')).toBe('https://hdl.handle.net/11234/1-3105');
    expect(linkOf('https://gitlab.com/a/b', 'url')).toBe('https://gitlab.com/a/b');
    expect(linkOf('javascript:alert(1)', 'url')).toBeUndefined();
    expect(linkOf('data:text/html,x', undefined)).toBeUndefined();
    expect(linkOf('PMC123', 'pmcid')).toBeUndefined();
  });
});
