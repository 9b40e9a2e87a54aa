/**
 * Test-only: a tiny protobuf encoder for building ONNX bytes by hand, including malformed
 * ones (any tag, any length). Not used by the app.
 */
export class ProtoWriter {
  #parts: Uint8Array[] = [];
  #pending: number[] = [];

  #flush(): void {
    if (this.#pending.length) {
      this.#parts.push(Uint8Array.from(this.#pending));
      this.#pending = [];
    }
  }

  /** Raw bytes, as is. */
  raw(bytes: ArrayLike<number>): this {
    if (bytes.length < 64) {
      for (let i = 0; i < bytes.length; i++) this.#pending.push(bytes[i]!);
    } else {
      this.#flush();
      this.#parts.push(Uint8Array.from(bytes));
    }
    return this;
  }

  /** A varint; negative numbers as 64-bit two's complement (10 bytes), as int64 requires. */
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.#pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#pending.push(Number(v));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** A varint field (int32, int64, enum, bool). */
  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).raw(bytes);
  }

  double(field: number, value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.tag(field, 1).raw(bytes);
  }

  /** A length-delimited field from bytes. */
  bytes(field: number, bytes: ArrayLike<number>): this {
    return this.tag(field, 2).varint(bytes.length).raw(bytes);
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  /** A submessage built by `build`. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated varint field. */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const value of values) inner.varint(value);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => view.setFloat32(i * 4, value, true));
    return this.bytes(field, bytes);
  }

  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
