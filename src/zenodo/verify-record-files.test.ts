import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZenodoServer, type ZenodoServer } from '../../e2e/zenodo-server/server.mjs';
import { TEST_RECORDS } from '../../e2e/zenodo-server/records.mjs';
import { FileByteSource } from '../bytes/file-byte-source';
import { md5OfSource } from '../bytes/md5-of-source';
import { fetchZenodoRecord } from './fetch-zenodo-record';
import { verifyRecordFiles } from './verify-record-files';

let server: ZenodoServer;
beforeAll(async () => {
  server = await startZenodoServer({ rateLimit: 1000 });
});
afterAll(() => server.close());

const local = (path: string, bytes: Uint8Array) => ({ path, size: bytes.length, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
const md5 = (file: { path: string; blob: Blob }) => md5OfSource(new FileByteSource(file.blob, file.path));

describe('verifyRecordFiles', () => {
  it('passes the real file and fails a modified one, against the MD5 the record states', async () => {
    const record = await fetchZenodoRecord(TEST_RECORDS.tiny, { endpoint: server.endpoint });
    const real = new Uint8Array(readFileSync(new URL('../../public/examples/tiny-llama/model.safetensors', import.meta.url)));
    const modified = real.slice();
    modified[modified.length - 1]! ^= 0xff;
    const results = await verifyRecordFiles(
      record.files,
      [local('model.safetensors', real), local('copy/model.safetensors', modified), local('model.safetensors', real.subarray(1)), local('other.bin', real)],
      md5,
    );
    expect(results.map((r) => r.status)).toEqual(['match', 'mismatch', 'mismatch', 'not-in-record']);
    expect(results[0]!.actual).toBe(record.files.find((f) => f.key === 'model.safetensors')!.md5);
    expect(results[1]!.actual).not.toBe(results[1]!.expected);
    expect(results[2]!.actual).toBeUndefined(); // a size mismatch needs no hashing
  });

  it('says when the record states no checksum', async () => {
    const results = await verifyRecordFiles([{ key: 'a.bin', size: 1, contentUrl: 'https://z.test/a' }], [local('a.bin', new Uint8Array(1))], md5);
    expect(results).toEqual([{ path: 'a.bin', key: 'a.bin', status: 'no-checksum' }]);
  });
});
