import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../e2e/hub-server/server.mjs';
import { TEST_REPOS, TINY_PARAMETERS } from '../../e2e/hub-server/repos.mjs';
import { resolveRepo } from '../hub/resolve-repo';
import { hubSource } from './hub-source';
import { localSource } from './local-source';
import { openSource } from './model-source';
import { pinnedByteSource, SOURCES } from './registry';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'public', 'examples', 'tiny-llama');
const exampleFiles = ['config.json', 'model.safetensors', 'README.md'].map((name) => ({
  path: `tiny-llama/${name}`,
  blob: new Blob([readFileSync(join(EXAMPLE, name))]),
}));

let server: HubServer;
beforeAll(async () => {
  server = await startHubServer({ pageSize: 20 });
});
afterAll(() => server.close());

describe('sources', () => {
  it('local files: every file listed with its size, read locally, opened as one model', async () => {
    const source = localSource(exampleFiles);
    expect(source.readCost).toBe('local');
    expect(source.files.map((f) => f.path)).toEqual(['tiny-llama/config.json', 'tiny-llama/model.safetensors', 'tiny-llama/README.md']);
    expect(source.files[1]!.size).toBe(exampleFiles[1]!.blob.size);
    const document = await openSource(source);
    expect(document.source).toEqual({ kind: 'local', repo: undefined, files: expect.any(Array) as unknown });
    expect(document.parameters.total).toBe(158_016);
    expect(() => source.byteSource('elsewhere.bin')).toThrow(/elsewhere\.bin is not a file of the files given/);
  });

  it('a Hub repo: the listing with LFS checksums, read by Range at the pinned commit, with its own metadata', async () => {
    const repo = await resolveRepo({ endpoint: server.endpoint, repo: TEST_REPOS.tiny });
    const source = hubSource(repo, {});
    expect(source.readCost).toBe('range');
    const weights = source.files.find((f) => f.path === 'model.safetensors');
    expect(weights?.checksum).toEqual({ algorithm: 'sha256', value: repo.files.find((f) => f.path === 'model.safetensors')?.lfs?.oid });
    expect(weights?.checksum?.value).toMatch(/^[0-9a-f]{64}$/);
    expect(source.metadata.title).toBe(TEST_REPOS.tiny);

    const document = await openSource(source, { paths: ['model.safetensors', 'config.json'] });
    expect(document.parameters.total).toBe(TINY_PARAMETERS);
    expect(document.source).toMatchObject({ kind: 'hub', repo: { id: TEST_REPOS.tiny, commit: repo.commit }, metadata: { title: TEST_REPOS.tiny } });
    expect(source.opened).toEqual(['model.safetensors', 'config.json']);
    expect(() => source.byteSource('nope.json')).toThrow(/nope\.json is not a file of/);
  });

  it('reads one file the same way whatever its source', async () => {
    const repo = await resolveRepo({ endpoint: server.endpoint, repo: TEST_REPOS.tiny });
    const size = repo.files.find((f) => f.path === 'model.safetensors')!.size;
    const remote = pinnedByteSource({ path: 'model.safetensors', endpoint: server.endpoint, repo: repo.repo, commit: repo.commit, size });
    const local = pinnedByteSource(exampleFiles[1]!);
    for (const file of [remote, local]) {
      const head = await file.read(0, 9);
      expect(head[8]).toBe(0x7b); // a safetensors header starts with `{`
    }
  });

  it('lists each source kind once, with what reading it costs', () => {
    expect(SOURCES.map((s) => [s.id, s.readCost])).toEqual([
      ['local', 'local'],
      ['example', 'local'],
      ['hub', 'range'],
      ['zenodo', 'stream'],
    ]);
  });
});
