/**
 * Byte-level building blocks of the tree file formats: a growable writer and a bounds-checked
 * reader of unsigned varints (up to 2^53 - 1), float64s and length-prefixed UTF-8 strings.
 */

/** Appends bytes to a buffer that grows by doubling. */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(initialCapacity = 4096) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buf[this.length++] = value;
  }

  /** A non-negative safe integer, 7 bits per byte, low bits first. */
  varint(value: number): void {
    this.reserve(8);
    let n = value;
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  f64(value: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Varint byte length, then the UTF-8 bytes. */
  string(text: string): void {
    // Encode once, straight after a one-byte length slot; most strings fit it, and longer ones
    // are moved up to make room for their longer length.
    this.reserve(text.length * 3 + 8);
    const start = this.length + 1;
    const n = this.buf.write(text, start, "utf8");
    if (n < 0x80) {
      this.buf[this.length] = n;
      this.length = start + n;
      return;
    }
    let lengthBytes = 1;
    for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) lengthBytes++;
    this.buf.copyWithin(this.length + lengthBytes, start, start + n);
    this.varint(n);
    this.length += n;
  }

  /** A view of the bytes written so far (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}

/** Thrown by `ByteReader` on truncated or malformed input; callers add which file it was. */
export class FormatError extends Error {}

/** Reads what `ByteWriter` wrote, never past `end`. */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new FormatError(`truncated at byte ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) break;
        return result;
      }
      scale *= 0x80;
    }
    throw new FormatError(`bad varint at byte ${this.pos}`);
  }

  f64(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** The next `n` bytes as a view into the underlying buffer. */
  bytes(n: number): Buffer {
    this.need(n);
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  string(): string {
    const n = this.varint();
    this.need(n);
    const text = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return text;
  }
}
