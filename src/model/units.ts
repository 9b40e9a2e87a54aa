/**
 * How Loupe writes counts, sizes and shapes, in every layer (views, diagrams, drafted cards,
 * messages). Locale-free, so text is the same in every browser and in tests.
 */

/** Units in ascending order; the first is the bare number. */
const COUNT_UNITS: readonly [number, string][] = [
  [1, ''],
  [1e3, 'K'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

const BYTE_UNITS: readonly [number, string][] = [
  [1, ' B'],
  [1e3, ' KB'],
  [1e6, ' MB'],
  [1e9, ' GB'],
  [1e12, ' TB'],
  [1e15, ' PB'],
];

/**
 * `value` in the largest unit it reaches, to 3 significant digits without trailing zeros (whole
 * below the first unit). A value that rounds up to 1000 of a unit moves to the next: 999,950 is
 * `1M`, not `1000K`.
 */
function scaled(value: number, units: readonly [number, string][]): string {
  if (!Number.isFinite(value)) return '?';
  const abs = Math.abs(value);
  let index = 0;
  while (index + 1 < units.length && abs >= units[index + 1]![0]) index++;
  const digitsIn = (i: number) => (i === 0 ? Math.round(abs) : Number((abs / units[i]![0]).toPrecision(3)));
  let digits = digitsIn(index);
  if (digits >= 1000 && index + 1 < units.length) digits = digitsIn(++index);
  return `${value < 0 && digits !== 0 ? '-' : ''}${digits}${units[index]![1]}`;
}

/** A count the way model names say it: `950`, `12.3K`, `124M`, `6.74B`. */
export function formatCount(count: number): string {
  return scaled(count, COUNT_UNITS);
}

/** Bytes in decimal units, as the Hub shows file sizes: `512 B`, `1.5 MB`, `16.1 GB`. */
export function formatBytes(bytes: number): string {
  return scaled(bytes, BYTE_UNITS);
}

/** A number in full with comma grouping: `32,000`. Integers only group; other numbers print as they are. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return String(n);
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? '-' : '') + out;
}

/** A shape: `[1, 3, 224, 224]`, `[batch, 128]`, `[]` for a scalar; an unnamed symbolic dimension shows as `?`. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((dim) => (dim === '' ? '?' : String(dim))).join(', ')}]`;
}

/**
 * A tensor value or statistic: integers below 1e9 as they are, others to 6 significant digits,
 * in exponent form outside [1e-4, 1e6); `NaN` and `±Infinity` as JavaScript writes them.
 */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}
