/**
 * Output accumulator shared by the formatters. Text and small byte strings are gathered in one latin1
 * string (latin1 maps bytes 0-255 to code units 0-255 and back, so this is byte-exact); larger byte
 * payloads are kept as the caller's Buffers, never copied; everything is joined once by `toBuffer()`.
 * This keeps formatting linear in the output size, with few allocations for replies made of many small
 * items (no per-byte string building, no Buffer per item, no repeated Buffer.concat).
 */
import { Buffer } from 'node:buffer';

/** Byte strings up to this size are copied into the pending text rather than kept as parts. */
const SMALL_BYTES = 256;

export class ByteSink {
  private readonly parts: Buffer[] = [];
  /** ASCII text written since the last Buffer part. */
  private pending = '';

  /** Append text whose characters are all below U+0100, one byte each (redis-cli's words, numbers). */
  text(s: string): void {
    this.pending += s;
  }

  /** Append bytes as they are. Large Buffers are referenced, not copied. */
  bytes(b: Buffer): void {
    if (b.length <= SMALL_BYTES) {
      if (b.length > 0) this.pending += b.toString('latin1');
      return;
    }
    this.flush();
    this.parts.push(b);
  }

  /** Drop the last byte written (mirrors `sdsrange(out,0,-2)`). */
  dropLastByte(): void {
    if (this.pending.length > 0) {
      this.pending = this.pending.slice(0, -1);
      return;
    }
    const last = this.parts.pop();
    if (last !== undefined && last.length > 1) this.parts.push(last.subarray(0, -1));
  }

  /** The first byte written, or -1 when empty. */
  firstByte(): number {
    const first = this.parts[0];
    if (first !== undefined) return first[0]!;
    return this.pending.length > 0 ? this.pending.charCodeAt(0) : -1;
  }

  /** Everything written, as one Buffer. */
  toBuffer(): Buffer {
    this.flush();
    if (this.parts.length === 1) return this.parts[0]!;
    return Buffer.concat(this.parts);
  }

  /** Everything written, as the pieces it was written in (large payloads not copied). */
  toChunks(): Buffer[] {
    this.flush();
    return this.parts;
  }

  /** Append everything written to another sink. */
  drainTo(other: ByteSink): void {
    this.flush();
    for (const part of this.parts) other.bytes(part);
    this.parts.length = 0;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Buffer.from(this.pending, 'latin1'));
    this.pending = '';
  }
}

const delimiterCache = new Map<string, Buffer>();

/** A delimiter string (`-d`, `-D`, from argv) as UTF-8 bytes, cached: the same few are used for every reply. */
export function delimiterBytes(s: string): Buffer {
  let b = delimiterCache.get(s);
  if (b === undefined) {
    b = Buffer.from(s, 'utf8');
    if (delimiterCache.size < 64) delimiterCache.set(s, b);
  }
  return b;
}

/**
 * The bytes up to the first NUL: what C's `%s` / `strlen` / `sdscat` see. redis-cli reads status,
 * error and double replies this way in several places, so a NUL byte ends them there.
 */
export function cString(b: Buffer): Buffer {
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}
