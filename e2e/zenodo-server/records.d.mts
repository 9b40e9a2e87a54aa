/** Types for records.mjs: the Zenodo test server's records. */

export const TEST_RECORDS: {
  tiny: string;
  tinyOld: string;
  tinyConcept: string;
  big: string;
  onnx: string;
  pickle: string;
  restricted: string;
};

export const TINY_PARAMETERS: number;
export const BIG_TENSORS: number;
export const BIG_PARAMETERS: number;
export const BIG_DATA_BYTES: number;

export interface RecordFile {
  key: string;
  size: number;
  content?: Buffer;
  prefix?: Buffer;
  /** Hex MD5 of the content; for virtual files, a stand-in that is not the MD5 of their bytes. */
  md5: string;
}

export interface TestRecord {
  id: string;
  conceptId: string;
  version: string;
  title: string;
  description: string;
  resourceType: string;
  accessRight: 'open' | 'restricted';
  license?: string;
  creators: object[];
  related: object[];
  files: RecordFile[];
}

export function buildRecords(): { records: Map<string, TestRecord>; concepts: Map<string, string> };
export function recordJson(record: TestRecord, endpoint: string): Record<string, unknown>;
export function fileJson(record: TestRecord, file: RecordFile, endpoint: string): Record<string, unknown>;
