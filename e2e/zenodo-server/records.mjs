// Records served by the Zenodo test server. Plain Node, no dependencies.
// Small records hold real bytes (the tiny-llama example, e2e/models); the 5 GiB record is virtual:
// a real safetensors header, then zeros synthesized per request and never held in memory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { safetensorsPrefix } from '../hub-server/repos.mjs';

/** Record ids, and what opening them must give. */
export const TEST_RECORDS = {
  /** public/examples/tiny-llama (safetensors, config.json, README.md card), with related code and data: the latest version. */
  tiny: '1000002',
  /** An older version of the same concept (v0.9), same files. */
  tinyOld: '1000001',
  /** The concept id of tiny and tinyOld: 404 on /api/records/{id}, /versions/latest redirects to tiny. */
  tinyConcept: '1000000',
  /** One 5 GiB BF16 safetensors file: a real header, zeros after it. */
  big: '1000010',
  /** e2e/models/external-data: model.onnx and model.onnx.data. */
  onnx: '1000020',
  /** e2e/models/pytorch/tiny-bin: pytorch_model.bin (a pickle) and config.json. */
  pickle: '1000030',
  /** The tiny-llama files, restricted: metadata public, content 403. */
  restricted: '1000040',
};

export const TINY_PARAMETERS = 158_016;
/** 20 BF16 tensors of 8192 × 16384: 5 GiB of data, 2,684,354,560 parameters. */
export const BIG_TENSORS = 20;
export const BIG_PARAMETERS = BIG_TENSORS * 8192 * 16384;
export const BIG_DATA_BYTES = BIG_PARAMETERS * 2;

const EXAMPLE_DIR = new URL('../../public/examples/tiny-llama/', import.meta.url);
const MODELS_DIR = new URL('../models/', import.meta.url);

/**
 * @typedef {{ key: string, size: number, content?: Buffer, prefix?: Buffer, md5: string }} RecordFile
 * @typedef {{ id: string, conceptId: string, version: string, title: string, description: string, resourceType: string,
 *   accessRight: 'open' | 'restricted', license?: string, creators: object[], related: object[], files: RecordFile[] }} TestRecord
 */

/** Builds every test record, keyed by id, and the concept ids with their latest version. Cheap: virtual data is never materialized. */
export function buildRecords() {
  const tinyFiles = () => [
    bytes('README.md', readFileSync(new URL('README.md', EXAMPLE_DIR))),
    bytes('config.json', readFileSync(new URL('config.json', EXAMPLE_DIR))),
    bytes('model.safetensors', readFileSync(new URL('model.safetensors', EXAMPLE_DIR))),
  ];
  const creators = [
    { name: 'Lovelace, Ada', affiliation: 'Analytical Engines', orcid: '0000-0002-1825-0097' },
    { name: 'Babbage, Charles', affiliation: null },
  ];
  const related = [
    { identifier: 'https://github.com/loupe-test/tiny-llama-training/tree/v1.0', relation: 'isSupplementTo', resource_type: 'software', scheme: 'url' },
    { identifier: '10.5281/zenodo.999001', relation: 'isDerivedFrom', resource_type: 'dataset', scheme: 'doi' },
    { identifier: 'arXiv:2302.13971', relation: 'cites', resource_type: 'publication-preprint', scheme: 'arxiv' },
  ];
  const description =
    '<p>A <strong>tiny</strong> Llama-shaped causal language model with random weights, for testing Loupe.</p>' +
    '<p>Training code: <a href="https://github.com/loupe-test/tiny-llama-training">GitHub</a>.</p>' +
    '<script>window.__zenodoDescriptionRan = true</script><img src="x" onerror="window.__zenodoDescriptionRan = true">';
  const base = { creators, license: 'apache-2.0', resourceType: 'other' };
  const { prefix: bigPrefix, size: bigSize } = safetensorsPrefix(
    Array.from({ length: BIG_TENSORS }, (_, i) => [`model.layers.${i}.mlp.up_proj.weight`, [8192, 16384]]),
  );
  /** @type {TestRecord[]} */
  const records = [
    {
      ...base,
      id: TEST_RECORDS.tiny,
      conceptId: TEST_RECORDS.tinyConcept,
      version: 'v1.0',
      title: 'Tiny Llama: a test model',
      description,
      accessRight: 'open',
      related,
      files: tinyFiles(),
    },
    {
      ...base,
      id: TEST_RECORDS.tinyOld,
      conceptId: TEST_RECORDS.tinyConcept,
      version: 'v0.9',
      title: 'Tiny Llama: a test model',
      description,
      accessRight: 'open',
      related,
      files: tinyFiles(),
    },
    {
      ...base,
      id: TEST_RECORDS.big,
      conceptId: '1000009',
      version: '1',
      title: 'A 5 GiB safetensors file',
      description: '<p>Real header, zero weights.</p>',
      accessRight: 'open',
      related: [],
      files: [virtual('model.safetensors', bigSize, bigPrefix)],
    },
    {
      ...base,
      id: TEST_RECORDS.onnx,
      conceptId: '1000019',
      version: '1',
      title: 'ONNX with external data',
      description: '<p>An ONNX model whose weights live in model.onnx.data.</p>',
      accessRight: 'open',
      related: [],
      files: [
        bytes('model.onnx', readFileSync(new URL('external-data/model.onnx', MODELS_DIR))),
        bytes('model.onnx.data', readFileSync(new URL('external-data/model.onnx.data', MODELS_DIR))),
      ],
    },
    {
      ...base,
      id: TEST_RECORDS.pickle,
      conceptId: '1000029',
      version: '1',
      title: 'A PyTorch pickle checkpoint',
      description: '<p>pytorch_model.bin and its config.</p>',
      accessRight: 'open',
      related: [],
      files: [
        bytes('config.json', readFileSync(new URL('pytorch/tiny-bin/config.json', MODELS_DIR))),
        bytes('pytorch_model.bin', readFileSync(new URL('pytorch/tiny-bin/pytorch_model.bin', MODELS_DIR))),
      ],
    },
    {
      ...base,
      id: TEST_RECORDS.restricted,
      conceptId: '1000039',
      version: '1',
      title: 'Tiny Llama, restricted',
      description: '<p>Files on request.</p>',
      accessRight: 'restricted',
      related,
      files: tinyFiles(),
    },
  ];
  const byId = new Map(records.map((r) => [r.id, r]));
  /** Concept id → the id of its latest version. */
  const concepts = new Map(records.filter((r) => r.id !== TEST_RECORDS.tinyOld).map((r) => [r.conceptId, r.id]));
  return { records: byId, concepts };
}

/** The record JSON zenodo.org answers on `GET /api/records/{id}` (its legacy-compatible serialization). */
export function recordJson(record, endpoint) {
  return {
    created: '2024-03-01T10:00:00.000000+00:00',
    modified: '2024-03-01T10:05:00.000000+00:00',
    id: Number(record.id),
    conceptrecid: record.conceptId,
    doi: `10.5281/zenodo.${record.id}`,
    conceptdoi: `10.5281/zenodo.${record.conceptId}`,
    doi_url: `https://doi.org/10.5281/zenodo.${record.id}`,
    metadata: {
      title: record.title,
      doi: `10.5281/zenodo.${record.id}`,
      publication_date: '2024-03-01',
      description: record.description,
      access_right: record.accessRight,
      creators: record.creators,
      related_identifiers: record.related,
      version: record.version,
      language: 'eng',
      resource_type: { title: 'Other', type: record.resourceType },
      license: record.license ? { id: record.license } : undefined,
      relations: {
        version: [
          {
            index: record.id === TEST_RECORDS.tinyOld ? 0 : 1,
            is_last: record.id !== TEST_RECORDS.tinyOld,
            parent: { pid_type: 'recid', pid_value: record.conceptId },
          },
        ],
      },
    },
    title: record.title,
    links: {
      self: `${endpoint}/api/records/${record.id}`,
      html: `${endpoint}/records/${record.id}`,
      doi: `https://doi.org/10.5281/zenodo.${record.id}`,
      conceptdoi: `https://doi.org/10.5281/zenodo.${record.conceptId}`,
      files: `${endpoint}/api/records/${record.id}/files`,
      latest: `${endpoint}/api/records/${record.id}/versions/latest`,
      latest_html: `${endpoint}/records/${record.id}/latest`,
    },
    updated: '2024-03-01T10:05:00.000000+00:00',
    recid: record.id,
    revision: 3,
    files: record.files.map((file) => fileJson(record, file, endpoint)),
    swh: {},
    owners: [{ id: '1' }],
    status: 'published',
    state: 'done',
    submitted: true,
  };
}

/** One entry of a record's `files`. */
export function fileJson(record, file, endpoint) {
  return {
    id: createHash('md5')
      .update(`${record.id}/${file.key}`)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
    key: file.key,
    size: file.size,
    checksum: `md5:${file.md5}`,
    links: { self: `${endpoint}/api/records/${record.id}/files/${encodeURIComponent(file.key)}/content` },
  };
}

function bytes(key, content) {
  return { key, size: content.length, content, md5: createHash('md5').update(content).digest('hex') };
}

/**
 * A file of `size` bytes: `prefix`, then zeros. Never materialized. Its checksum is not the MD5 of
 * those bytes (that would mean hashing 5 GiB at start-up), so integrity checks must not use it.
 */
function virtual(key, size, prefix) {
  return { key, size, prefix, md5: createHash('md5').update(`virtual:${key}:${size}`).digest('hex') };
}
