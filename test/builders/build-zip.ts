import { crc32 } from '../../src/formats/pytorch/crc32';

/** Test helper: one member of a hand-built zip. */
export interface ZipEntrySpec {
  name: string;
  /** The bytes as stored: raw deflate data when `method` is 8. */
  data: Uint8Array;
  /** 0 stored (default) or 8 deflated. */
  method?: number;
  /** The declared uncompressed size (default: data's length). */
  uncompressedSize?: number;
  /** The declared CRC-32 (default: the CRC of `data`). */
  crc?: number;
  /** A different compression method in the local header than in the central directory. */
  localMethod?: number;
  /** Bytes of extra field in the local header (padding, as torch writes to align data). */
  extra?: number;
}

/** Test helper: builds zip bytes (local headers, data, central directory, end record) from `entries`, in order. */
export function buildZip(entries: ZipEntrySpec[]): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const method = entry.method ?? 0;
    const size = entry.uncompressedSize ?? entry.data.length;
    const crc = entry.crc ?? crc32(entry.data);
    const extra = entry.extra ?? 0;
    const local = new Uint8Array(30 + name.length + extra);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, entry.localMethod ?? method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, entry.data.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extra, true);
    local.set(name, 30);
    const record = new Uint8Array(46 + name.length);
    const cv = new DataView(record.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, entry.data.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    record.set(name, 46);
    parts.push(local, entry.data);
    central.push(record);
    offset += local.length + entry.data.length;
  }
  const directoryLength = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, directoryLength, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of all) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
