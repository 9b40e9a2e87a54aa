import { Reader, ZipReader } from '@zip.js/zip.js';
import type { ByteSource } from '../../model/byte-source';
import { CancelledError, FormatError, LoupeError } from '../../model/errors';
import { crc32 } from './crc32';

/** Most members in one archive. torch.save writes one per storage, plus four. */
export const MAX_ZIP_ENTRIES = 500_000;
/** Largest single read zip.js may ask for: the central directory is read at once. */
export const MAX_ZIP_READ_BYTES = 128 * 1024 * 1024;
/** A compressed member expanding more than this many times is treated as a zip bomb. */
export const MAX_COMPRESSION_RATIO = 100;
/** Largest pickle member read (and inflated) whole. data.pkl is about 60 bytes per tensor. */
export const MAX_PICKLE_MEMBER_BYTES = 256 * 1024 * 1024;
/** Consecutive local headers this close are fetched in one read (small storages), up to HEADER_WINDOW_BYTES in all. */
const HEADER_GAP_BYTES = 64 * 1024;
const HEADER_WINDOW_BYTES = 1024 * 1024;
/** Bytes read per isolated local header: the fixed 30, plus room for the name, extra field and data's first bytes. */
const HEADER_PROBE_BYTES = 30 + 512;
/** Leading data bytes kept per member, to spot pickles in members with other names. */
export const MEMBER_HEAD_BYTES = 8;
/** Local header reads in flight at once (each is a Range request for a Hub file). */
const HEADER_READ_CONCURRENCY = 8;

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;
const STORED = 0;
const DEFLATED = 8;

/** One member of the archive, from the central directory and its local header. */
export interface ZipMember {
  name: string;
  /** Offset of the local file header. */
  localOffset: number;
  /** Offset of the member's first data byte: local header offset + 30 + name + extra (from the local header). */
  dataOffset: number;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflated. torch.save writes every member stored, 64-byte aligned. */
  method: number;
  crc32?: number;
  encrypted: boolean;
  /** The first bytes of the data (at most MEMBER_HEAD_BYTES), when they came with the header read. */
  head?: Uint8Array;
}

/** A zip.js Reader over a ByteSource: zip.js reads the end records and central directory by range through it. */
class ByteSourceReader extends Reader<ByteSource> {
  readonly #source: ByteSource;
  readonly #signal: AbortSignal | undefined;

  constructor(source: ByteSource, signal?: AbortSignal) {
    super(source);
    this.#source = source;
    this.#signal = signal;
  }

  override async init(): Promise<void> {
    this.size = this.#source.size;
  }

  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    const available = Math.max(0, Math.min(length, this.#source.size - index));
    if (available > MAX_ZIP_READ_BYTES) {
      throw new FormatError(this.#source.name, 'zip', `asks for a ${available}-byte read (a central directory larger than ${MAX_ZIP_READ_BYTES} bytes)`);
    }
    return this.#source.read(index, available, this.#signal);
  }
}

/**
 * Lists the archive's members: zip.js reads the central directory through the ByteSource, then
 * each member's local header is parsed here for the data offset (nearby headers in one read).
 * Nothing else is read. Throws FormatError for a broken zip or more than MAX_ZIP_ENTRIES members.
 */
export async function listZipMembers(source: ByteSource, signal?: AbortSignal): Promise<ZipMember[]> {
  const file = source.name;
  type Central = Omit<ZipMember, 'dataOffset' | 'head'>;
  const central: Central[] = [];
  try {
    const reader = new ZipReader(new ByteSourceReader(source, signal), { useWebWorkers: false });
    for await (const entry of reader.getEntriesGenerator()) {
      if (signal?.aborted) throw new CancelledError();
      if (central.length >= MAX_ZIP_ENTRIES) throw new FormatError(file, 'zip', `has more than ${MAX_ZIP_ENTRIES} members`);
      if (entry.directory) continue;
      central.push({
        name: entry.filename,
        localOffset: entry.offset,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        method: entry.compressionMethod,
        crc32: entry.crc32 ?? entry.signature,
        encrypted: entry.encrypted,
      });
    }
  } catch (error) {
    if (error instanceof LoupeError) throw error;
    if (signal?.aborted) throw new CancelledError();
    throw new FormatError(file, 'zip', `cannot be read as a zip archive (${error instanceof Error ? error.message : String(error)})`);
  }
  return readLocalHeaders(source, central, signal);
}

async function readLocalHeaders(source: ByteSource, central: Omit<ZipMember, 'dataOffset' | 'head'>[], signal?: AbortSignal): Promise<ZipMember[]> {
  const file = source.name;
  const sorted = [...central].sort((a, b) => a.localOffset - b.localOffset);
  const members = new Map<(typeof central)[number], ZipMember>();

  // Groups of headers close enough to share one read.
  const groups: (typeof central)[] = [];
  for (let i = 0; i < sorted.length;) {
    const first = sorted[i] as (typeof central)[number];
    let j = i + 1;
    while (j < sorted.length) {
      const next = (sorted[j] as (typeof central)[number]).localOffset;
      if (
        next - (sorted[j - 1] as (typeof central)[number]).localOffset > HEADER_GAP_BYTES ||
        next + LOCAL_HEADER_BYTES > first.localOffset + HEADER_WINDOW_BYTES
      )
        break;
      j++;
    }
    groups.push(sorted.slice(i, j));
    i = j;
  }

  const readGroup = async (group: typeof central) => {
    const first = group[0] as (typeof central)[number];
    const last = group[group.length - 1] as (typeof central)[number];
    if (first.localOffset + LOCAL_HEADER_BYTES > source.size) {
      throw new FormatError(file, first.name, `local header at ${first.localOffset} is past the end of the file`);
    }
    const end = Math.min(source.size, last.localOffset + HEADER_PROBE_BYTES);
    const bytes = await source.read(first.localOffset, end - first.localOffset, signal);
    for (const member of group) members.set(member, await parseLocalHeader(source, member, bytes, member.localOffset - first.localOffset, signal));
  };

  for (let i = 0; i < groups.length; i += HEADER_READ_CONCURRENCY) {
    if (signal?.aborted) throw new CancelledError();
    await Promise.all(groups.slice(i, i + HEADER_READ_CONCURRENCY).map(readGroup));
  }
  // Central directory order, which is torch's write order.
  return central.map((c) => members.get(c) as ZipMember);
}

async function parseLocalHeader(
  source: ByteSource,
  member: Omit<ZipMember, 'dataOffset' | 'head'>,
  window: Uint8Array,
  at: number,
  signal?: AbortSignal,
): Promise<ZipMember> {
  const file = source.name;
  let bytes = window;
  let offset = at;
  if (offset + LOCAL_HEADER_BYTES > bytes.length) {
    if (member.localOffset + LOCAL_HEADER_BYTES > source.size)
      throw new FormatError(file, member.name, `local header at ${member.localOffset} is past the end of the file`);
    bytes = await source.read(member.localOffset, Math.min(HEADER_PROBE_BYTES, source.size - member.localOffset), signal);
    offset = 0;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, LOCAL_HEADER_BYTES);
  if (view.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) throw new FormatError(file, member.name, `no local file header at ${member.localOffset}`);
  const method = view.getUint16(8, true);
  if (method !== member.method) {
    // Two readers could disagree on how to read the member (an ambiguous archive).
    throw new FormatError(file, member.name, `local header says compression method ${method}, the central directory ${member.method}`);
  }
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const dataOffset = member.localOffset + LOCAL_HEADER_BYTES + nameLength + extraLength;
  if (dataOffset + member.compressedSize > source.size) {
    throw new FormatError(file, member.name, `data (${member.compressedSize} bytes at ${dataOffset}) runs past the end of the ${source.size}-byte file`);
  }
  if (member.method === STORED && member.compressedSize !== member.uncompressedSize) {
    throw new FormatError(
      file,
      member.name,
      `is stored uncompressed but declares ${member.compressedSize} bytes stored and ${member.uncompressedSize} bytes uncompressed`,
    );
  }
  const headStart = offset + (dataOffset - member.localOffset);
  const headLength = Math.min(MEMBER_HEAD_BYTES, member.compressedSize, Math.max(0, bytes.length - headStart));
  const result: ZipMember = { ...member, dataOffset };
  if (headLength > 0 || member.compressedSize === 0) result.head = bytes.slice(headStart, headStart + headLength);
  return result;
}

/** Why a member is a zip bomb (compressed, and expanding more than MAX_COMPRESSION_RATIO times), or undefined. */
export function zipBombReason(member: ZipMember): string | undefined {
  if (member.method === STORED) return undefined;
  const ratio = member.uncompressedSize / Math.max(1, member.compressedSize);
  if (ratio <= MAX_COMPRESSION_RATIO) return undefined;
  return `${member.name} is compressed ${Math.round(ratio)} to 1 (${member.compressedSize} bytes declaring ${member.uncompressedSize}): a zip bomb; it was not decompressed`;
}

/**
 * Reads one member whole (stored, or deflated with the bomb check done by the caller), at most
 * `limit` bytes, and verifies its CRC-32 against the central directory. Every failure is a
 * FormatError naming the member.
 */
export async function readZipMember(source: ByteSource, member: ZipMember, limit = MAX_PICKLE_MEMBER_BYTES, signal?: AbortSignal): Promise<Uint8Array> {
  const file = source.name;
  if (member.encrypted) throw new FormatError(file, member.name, 'is encrypted');
  if (member.uncompressedSize > limit) throw new FormatError(file, member.name, `is ${member.uncompressedSize} bytes, more than the ${limit}-byte limit`);
  const bomb = zipBombReason(member);
  if (bomb) throw new FormatError(file, member.name, bomb);
  const raw = await source.read(member.dataOffset, member.compressedSize, signal);
  let data: Uint8Array;
  if (member.method === STORED) data = raw;
  else if (member.method === DEFLATED) data = await inflate(file, member, raw, signal);
  else throw new FormatError(file, member.name, `uses compression method ${member.method}, which Loupe does not read`);
  if (member.crc32 !== undefined) {
    const actual = crc32(data);
    if (actual !== member.crc32) {
      throw new FormatError(
        file,
        member.name,
        `CRC-32 is ${hex(actual)} but the central directory says ${hex(member.crc32)}: the member is corrupt or was altered`,
      );
    }
  }
  return data;
}

/** Inflates raw deflate data, refusing to produce more than the declared uncompressed size. */
async function inflate(file: string, member: ZipMember, raw: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  const out = new Uint8Array(member.uncompressedSize);
  let written = 0;
  const stream = new Blob([new Uint8Array(raw)]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError();
      const { done, value } = await reader.read();
      if (done) break;
      if (written + value.length > out.length) throw new FormatError(file, member.name, `inflates past its declared ${member.uncompressedSize} bytes`);
      out.set(value, written);
      written += value.length;
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof LoupeError) throw error;
    throw new FormatError(file, member.name, `is not valid deflate data (${error instanceof Error ? error.message : String(error)})`);
  }
  if (written !== out.length) throw new FormatError(file, member.name, `inflates to ${written} bytes, not the declared ${member.uncompressedSize}`);
  return out;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
