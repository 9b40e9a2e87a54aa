import { describe, expect, it } from 'vitest';
import { PickleStop } from './pickle-stop';
import {
  decodeLong,
  decodeQuoted,
  decodeRawUnicodeEscape,
  decodeUtf8,
  latin1Bytes,
  parseIntLiteral,
  parseLongLiteral,
  parsePythonFloat,
  parsePythonInt,
} from './python-literals';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

/** The message a literal stops the scan with. */
function stopOf(decode: () => unknown): string {
  try {
    decode();
  } catch (error) {
    if (error instanceof PickleStop) return error.message;
    throw error;
  }
  throw new Error('did not stop');
}

describe('decodeLong', () => {
  // The bytes are CPython 3.11's pickle.encode_long(value).
  it("reads little-endian two's complement as pickle.py decode_long does", () => {
    expect(decodeLong(hex(''))).toBe(0);
    expect(decodeLong(hex('7f'))).toBe(127);
    expect(decodeLong(hex('8000'))).toBe(128);
    expect(decodeLong(hex('ff00'))).toBe(255);
    expect(decodeLong(hex('ff'))).toBe(-1);
    expect(decodeLong(hex('00ff'))).toBe(-256);
  });

  it('keeps integers beyond 2^53 exact, as bigints', () => {
    expect(decodeLong(hex('000000000000000001'))).toBe(18446744073709551616n);
    expect(decodeLong(hex('0000000000000080'))).toBe(-9223372036854775808n);
  });
});

describe('protocol 0 integers', () => {
  it('reads I00 and I01 as booleans, as pickle.dumps(True, 0) writes them', () => {
    expect(parseIntLiteral('01')).toBe(true);
    expect(parseIntLiteral('00')).toBe(false);
    expect(parseIntLiteral('-42')).toBe(-42);
    expect(parseIntLiteral(' +7 ')).toBe(7);
  });

  it("reads LONG with Python 2's trailing L, as pickle.dumps(12345678901234567890, 0) writes it", () => {
    expect(parseLongLiteral('12345678901234567890L')).toBe(12345678901234567890n);
    expect(parseLongLiteral('5')).toBe(5);
  });

  it('stops on anything but decimal digits, and past 4300 digits', () => {
    expect(stopOf(() => parsePythonInt('0x10'))).toBe('bad integer "0x10"');
    expect(stopOf(() => parsePythonInt(''))).toBe('bad integer ""');
    expect(stopOf(() => parsePythonInt('9'.repeat(4301)))).toBe(`bad integer "${'9'.repeat(40)}"`);
    expect(parsePythonInt('9'.repeat(4300))).toBe(BigInt('9'.repeat(4300)));
  });
});

describe('parsePythonFloat', () => {
  it('reads repr floats, and inf, -inf and nan as Python writes them', () => {
    expect(parsePythonFloat('1.5')).toBe(1.5);
    expect(parsePythonFloat('-2.5e-3')).toBe(-0.0025);
    expect(parsePythonFloat('inf')).toBe(Infinity);
    expect(parsePythonFloat('-inf')).toBe(-Infinity);
    expect(parsePythonFloat('nan')).toBeNaN();
  });

  it('stops on text that is not a float', () => {
    expect(stopOf(() => parsePythonFloat('one'))).toBe('bad float "one"');
    expect(stopOf(() => parsePythonFloat(' '))).toBe('bad float ""');
  });
});

describe('decodeQuoted (protocol 0 STRING)', () => {
  it('unescapes a Python 2 repr and decodes the bytes as UTF-8, as torch.load does', () => {
    expect(decodeQuoted("'a\\x41\\101\\n\\t\\\\'")).toBe('aAA\n\t\\');
    expect(decodeQuoted('"it\'s"')).toBe("it's");
    // 'é' in UTF-8, escaped byte by byte as Python 2's repr writes it.
    expect(decodeQuoted("'\\xc3\\xa9'")).toBe('é');
    expect(decodeQuoted("'\\0'")).toBe('\0');
  });

  it('keeps an unknown escape as written', () => {
    expect(decodeQuoted("'\\q'")).toBe('\\q');
  });

  it('stops when the line is not quoted', () => {
    expect(stopOf(() => decodeQuoted('abc'))).toBe('STRING is not quoted');
    expect(stopOf(() => decodeQuoted('\'abc"'))).toBe('STRING is not quoted');
    expect(stopOf(() => decodeQuoted("'"))).toBe('STRING is not quoted');
  });
});

describe('decodeRawUnicodeEscape (protocol 0 UNICODE)', () => {
  it('reads \\u and \\U escapes only, as pickle.dumps("h\\u00e9\\n\\u2603\\U0001f600", 0) writes them', () => {
    // The line is read as latin-1, so the raw é byte is already U+00E9.
    expect(decodeRawUnicodeEscape('h\u00e9\\u000a\\u2603\\U0001f600')).toBe('hé\n☃😀');
    expect(decodeRawUnicodeEscape('a\\nb')).toBe('a\\nb');
  });

  it('turns a code point past U+10FFFF into U+FFFD', () => {
    expect(decodeRawUnicodeEscape('\\U00110000')).toBe('\ufffd');
  });
});

describe('byte helpers', () => {
  it('decodeUtf8 replaces bad sequences; latin1Bytes refuses characters above U+00FF', () => {
    expect(decodeUtf8(hex('68c3a9ff'))).toBe('hé\ufffd');
    expect(latin1Bytes('\u00ffA')).toEqual(hex('ff41'));
    expect(latin1Bytes('\u0100')).toBeUndefined();
  });
});
