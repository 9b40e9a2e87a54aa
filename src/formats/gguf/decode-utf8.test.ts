import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from './decode-utf8';

describe('decodeUtf8', () => {
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const reference = (bytes: Uint8Array): string | undefined => {
    try {
      return fatal.decode(bytes);
    } catch {
      return undefined;
    }
  };

  it('agrees with a fatal TextDecoder on any bytes', () => {
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.constantFrom(0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), (values) => {
        const bytes = Uint8Array.from(values);
        expect(decodeUtf8(bytes, 0, bytes.length)).toBe(reference(bytes));
      }),
      { seed: 0x10c0be, numRuns: 5000 },
    );
  });

  it('agrees with a fatal TextDecoder on valid text, astral planes and BOMs included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 16 }), (text) => {
        const bytes = new TextEncoder().encode(`\ufeff${text}`);
        expect(decodeUtf8(bytes, 0, bytes.length)).toBe(reference(bytes));
      }),
      { seed: 0x10c0be, numRuns: 2000 },
    );
  });
});
