import { PickleStop } from './pickle-stop';

// Python literals as pickles spell them: protocol 0's text forms (INT, LONG, FLOAT, STRING,
// UNICODE lines) and the binary LONG1/LONG4 integers. A bad literal stops the scan (PickleStop).

const TEXT = new TextDecoder('utf-8');

/** An integer as a number when it is safe, else as a bigint. */
export function narrowInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A decimal integer with an optional sign (at most 4300 digits, Python's own default limit). */
export function parsePythonInt(text: string): number | bigint {
  const trimmed = text.trim();
  if (!/^[+-]?\d{1,4300}$/.test(trimmed)) throw new PickleStop(`bad integer ${JSON.stringify(trimmed.slice(0, 40))}`);
  return narrowInt(BigInt(trimmed));
}

/** Protocol 0 INT's line: an integer, except that booleans are spelled I00 / I01 (pickletools: "INT ... special case"). */
export function parseIntLiteral(text: string): boolean | number | bigint {
  return text === '00' ? false : text === '01' ? true : parsePythonInt(text);
}

/** Protocol 0 LONG's line: an integer, with Python 2's trailing `L`. */
export function parseLongLiteral(text: string): number | bigint {
  return parsePythonInt(text.endsWith('L') ? text.slice(0, -1) : text);
}

/** LONG1 / LONG4 bytes (pickle.py `decode_long`): little-endian two's complement. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(8 * bytes.length);
  return narrowInt(value);
}

/** Text whose characters are all below 256 as those bytes; undefined otherwise. */
export function latin1Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    out[i] = code;
  }
  return out;
}

/** UTF-8 bytes as text; bad sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return TEXT.decode(bytes);
}

/** Protocol 0 FLOAT's line: a decimal float, or `inf`, `-inf` and `nan` as Python writes them. */
export function parsePythonFloat(text: string): number {
  const trimmed = text.trim();
  if (trimmed === 'inf') return Infinity;
  if (trimmed === '-inf') return -Infinity;
  if (trimmed === 'nan') return NaN;
  const value = Number(trimmed);
  if (trimmed === '' || Number.isNaN(value)) throw new PickleStop(`bad float ${JSON.stringify(trimmed.slice(0, 40))}`);
  return value;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Protocol 0 STRING: a Python repr, quoted, with backslash escapes (pickle.py `load_string`). */
export function decodeQuoted(text: string): string {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    throw new PickleStop('STRING is not quoted');
  }
  const body = text.slice(1, -1);
  const unescaped = body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape.startsWith('x')) return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]+$/.test(escape) && escape !== '0') return String.fromCharCode(parseInt(escape, 8));
    return SIMPLE_ESCAPES[escape] ?? `\\${escape}`;
  });
  // The escapes give bytes; torch.load decodes Python 2 str as UTF-8.
  const bytes = latin1Bytes(unescaped);
  return bytes ? TEXT.decode(bytes) : unescaped;
}

/** Protocol 0 UNICODE: raw-unicode-escape, where only \uXXXX and \UXXXXXXXX are escapes. */
export function decodeRawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four: string | undefined, eight: string | undefined) => {
    const code = parseInt((four ?? eight) as string, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}
