const UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** A count in a short form for box labels: `950`, `1.2k`, `218M`, `7.2B`. Locale-free, so labels are stable. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const abs = Math.abs(n);
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      const v = n / size;
      // One decimal below 10 only: `1.2k`, `12k`, `218M`; more digits would crowd a box.
      const text = Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
      return text + unit;
    }
  }
  return String(Math.round(n));
}

/** An integer with thin grouping (`32,000`), locale-free. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return sign + out;
}
