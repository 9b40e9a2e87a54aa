/**
 * A small strict JSON parser for untrusted headers.
 *
 * `JSON.parse` is not enough for safetensors: it silently keeps the last of duplicate keys,
 * rounds integers above 2^53, and accepts lone surrogate escapes that serde_json (which the
 * reference implementation uses) rejects. This parser keeps every object as a `Map` (no
 * prototype keys), returns integers beyond 2^53 as exact `bigint`s, and bounds nesting and size.
 */

/**
 * A parsed JSON value. Integer literals are a `number` when it is exact (a safe integer) and a
 * `bigint` otherwise; literals with a fraction or exponent are a `number`.
 */
export type JsonValue = null | boolean | string | number | bigint | JsonValue[] | JsonObject;

/** A JSON object, in source order. A `Map`, so keys such as `__proto__` are plain keys. */
export type JsonObject = Map<string, JsonValue>;

/** Where in the document a problem is: object keys and array indices from the root. */
export type JsonPath = (string | number)[];

/** Bounds on the document, since it comes from an untrusted file. */
export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays; the root container is depth 1. */
  maxDepth: number;
  /** Most members in any one object or array. */
  maxMembers: number;
  /** Reject numbers with a fraction or exponent (`1.0`, `1e2`), as serde does for integer fields. */
  integersOnly?: boolean;
}

/** The text is not strict JSON. `path` locates the value being read when it failed. */
export class StrictJsonError extends Error {
  readonly path: JsonPath;
  readonly position: number;

  constructor(message: string, path: JsonPath, position: number) {
    super(message);
    this.name = 'StrictJsonError';
    this.path = path;
    this.position = position;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as one JSON value, with only JSON whitespace around it. Throws StrictJsonError. */
export function parseStrictJson(text: string, options: StrictJsonOptions): JsonValue {
  const parser = new Parser(text, options);
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.pos < text.length) parser.fail('unexpected characters after the JSON value');
  return value;
}

class Parser {
  pos = 0;
  readonly #text: string;
  readonly #options: StrictJsonOptions;
  /** Keys and indices of the containers being read, for error messages. */
  readonly #path: JsonPath = [];

  constructor(text: string, options: StrictJsonOptions) {
    this.#text = text;
    this.#options = options;
  }

  fail(message: string, extra?: string | number): never {
    const path = extra === undefined ? [...this.#path] : [...this.#path, extra];
    throw new StrictJsonError(`invalid JSON at character ${this.pos}: ${message}`, path, this.pos);
  }

  skipWhitespace(): void {
    const text = this.#text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  parseValue(depth: number): JsonValue {
    const c = this.#text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.#parseObject(depth + 1);
      case 0x5b: // [
        return this.#parseArray(depth + 1);
      case QUOTE:
        return this.#parseString();
      case 0x74: // t
        return this.#literal('true', true);
      case 0x66: // f
        return this.#literal('false', false);
      case 0x6e: // n
        return this.#literal('null', null);
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return this.#parseNumber();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : `unexpected character ${JSON.stringify(this.#text[this.pos])}`);
    }
  }

  #literal<T>(word: string, value: T): T {
    if (!this.#text.startsWith(word, this.pos)) this.fail(`expected ${word}`);
    this.pos += word.length;
    return value;
  }

  #enter(depth: number): void {
    // Checked before descending, so hostile nesting cannot grow the call stack.
    if (depth > this.#options.maxDepth) this.fail(`nested deeper than ${this.#options.maxDepth} levels`);
  }

  #parseObject(depth: number): JsonObject {
    this.#enter(depth);
    const text = this.#text;
    const map: JsonObject = new Map();
    this.pos++;
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return map;
    }
    for (;;) {
      if (text.charCodeAt(this.pos) !== QUOTE) this.fail('expected a string key');
      const key = this.#parseString();
      if (map.has(key)) this.fail('duplicate key', key);
      if (map.size >= this.#options.maxMembers) this.fail(`more than ${this.#options.maxMembers} members`);
      this.skipWhitespace();
      if (text.charCodeAt(this.pos) !== COLON) this.fail("expected ':'", key);
      this.pos++;
      this.skipWhitespace();
      this.#path.push(key);
      map.set(key, this.parseValue(depth));
      this.#path.pop();
      this.skipWhitespace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return map;
      if (c !== COMMA) {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
      this.skipWhitespace();
    }
  }

  #parseArray(depth: number): JsonValue[] {
    this.#enter(depth);
    const text = this.#text;
    const items: JsonValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return items;
    }
    for (;;) {
      if (items.length >= this.#options.maxMembers) this.fail(`more than ${this.#options.maxMembers} items`);
      this.#path.push(items.length);
      items.push(this.parseValue(depth));
      this.#path.pop();
      this.skipWhitespace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x5d) return items;
      if (c !== COMMA) {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
      this.skipWhitespace();
    }
  }

  #parseString(): string {
    const text = this.#text;
    const start = ++this.pos;
    let pos = start;
    // Fast path: no escapes, which is every tensor name in practice.
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (c === BACKSLASH) break;
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      }
      pos++;
    }
    const parts: string[] = [text.slice(start, pos)];
    let runStart = pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) {
        parts.push(text.slice(runStart, pos));
        this.pos = pos + 1;
        return parts.join('');
      }
      if (Number.isNaN(c) || c < 0x20) {
        this.pos = pos;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      }
      if (c !== BACKSLASH) {
        pos++;
        continue;
      }
      parts.push(text.slice(runStart, pos));
      const letter = text[pos + 1] ?? '';
      if (letter === 'u') {
        const unit = this.#hex4(pos + 2);
        pos += 6;
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          this.pos = pos;
          this.fail('lone low surrogate in \\u escape');
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // serde_json requires a high surrogate to be followed by an escaped low one.
          if (text[pos] !== '\\' || text[pos + 1] !== 'u') {
            this.pos = pos;
            this.fail('lone high surrogate in \\u escape');
          }
          const low = this.#hex4(pos + 2);
          if (low < 0xdc00 || low > 0xdfff) {
            this.pos = pos;
            this.fail('lone high surrogate in \\u escape');
          }
          pos += 6;
          parts.push(String.fromCharCode(unit, low));
        } else {
          parts.push(String.fromCharCode(unit));
        }
      } else {
        const replacement = ESCAPES[letter];
        if (replacement === undefined) {
          this.pos = pos;
          this.fail('invalid escape in string');
        }
        parts.push(replacement);
        pos += 2;
      }
      runStart = pos;
    }
  }

  #hex4(at: number): number {
    const digits = this.#text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
      this.pos = at;
      this.fail('invalid \\u escape');
    }
    return Number.parseInt(digits, 16);
  }

  #parseNumber(): number | bigint {
    const text = this.#text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === MINUS) pos++;
    const intStart = pos;
    let c = text.charCodeAt(pos);
    // The integer part's value, exact while it has at most 15 digits.
    let small = 0;
    if (c === ZERO) {
      pos++;
    } else if (c >= ZERO + 1 && c <= NINE) {
      while ((c = text.charCodeAt(pos)) >= ZERO && c <= NINE) {
        small = small * 10 + (c - ZERO);
        pos++;
      }
    } else {
      this.pos = pos;
      this.fail('invalid number');
    }
    const intDigits = pos - intStart;
    let integer = true;
    if (text.charCodeAt(pos) === DOT) {
      integer = false;
      pos = this.#digits(pos + 1);
    }
    c = text.charCodeAt(pos);
    if (c === 0x65 || c === 0x45) {
      integer = false;
      pos++;
      c = text.charCodeAt(pos);
      if (c === 0x2b || c === MINUS) pos++;
      pos = this.#digits(pos);
    }
    if (integer) {
      this.pos = pos;
      // Up to 15 digits is exact as a double; longer literals go through BigInt to stay exact.
      const negative = text.charCodeAt(start) === MINUS;
      if (intDigits <= 15) return negative && small !== 0 ? -small : small;
      const big = BigInt(text.slice(start, pos));
      return big >= -SAFE_MAX && big <= SAFE_MAX ? Number(big) : big;
    }
    if (this.#options.integersOnly) {
      this.pos = start;
      this.fail(`expected an integer, found ${text.slice(start, Math.min(pos, start + 40))}`);
    }
    this.pos = pos;
    const value = Number(text.slice(start, pos));
    if (!Number.isFinite(value)) {
      this.pos = start;
      this.fail('number out of range');
    }
    return value;
  }

  #digits(from: number): number {
    const text = this.#text;
    let pos = from;
    let c: number;
    while ((c = text.charCodeAt(pos)) >= ZERO && c <= NINE) pos++;
    if (pos === from) {
      this.pos = pos;
      this.fail('invalid number');
    }
    return pos;
  }
}
