/**
 * Output batching for streamed replies: bytes are copied into one large buffer that is handed to
 * `emit` when full (or on `flush()`), so a reply of 1,000,000 small elements becomes a few hundred
 * writes, and a large payload piece is passed on without a copy. Quoting (`sdscatrepr`, JSON) is
 * done straight into the buffer, from the table of `repr.ts`, so a streamed bulk string is escaped
 * piece by piece (the escapes are per byte: escaping the pieces gives the bytes of escaping the whole).
 *
 * A "hold" keeps the bytes written since a point from being emitted, so that text can still be
 * inserted there: TTY output learns only later whether a map value starts on a new line
 * (`cliIsMultilineValueTTY` looks ahead into one-element aggregates).
 */
import { Buffer } from 'node:buffer';
import type { EscapeTable } from './repr.js';

/** Size of one batch. */
const BATCH = 256 * 1024;
/** Pieces at least this large are emitted as they are (no copy) when nothing is held. */
const PASS_THROUGH = 64 * 1024;
const SPACE = 0x20;
/** Runs up to this long are copied byte by byte: cheaper than Buffer#copy for the short items of a long array. */
const SHORT = 48;
/** A flushed batch up to this size is copied out rather than handed over with the buffer. */
const REUSE_UP_TO = 16 * 1024;

export class BatchWriter {
  private buf: Buffer;
  private w = 0;
  /** Offsets of the open holds, innermost last. */
  private readonly holds: number[] = [];

  constructor(private readonly emit: (chunk: Buffer) => void) {
    this.buf = Buffer.allocUnsafe(BATCH);
  }

  /** Text whose characters are all below U+0100 (redis-cli's words, numbers, prefixes), one byte each. */
  ascii(s: string): void {
    const n = s.length;
    if (this.w + n > this.buf.length) this.room(n);
    const buf = this.buf;
    let w = this.w;
    if (n < 24) {
      for (let i = 0; i < n; i++) buf[w++] = s.charCodeAt(i);
    } else {
      w += buf.write(s, w, n, 'latin1');
    }
    this.w = w;
  }

  byte(c: number): void {
    if (this.w >= this.buf.length) this.room(1);
    this.buf[this.w++] = c;
  }

  /** `src[start, end)` as it is. A large run is emitted by reference when nothing is held. */
  bytes(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n >= PASS_THROUGH && this.holds.length === 0) {
      this.flush();
      this.emit(start === 0 && end === src.length ? src : src.subarray(start, end));
      return;
    }
    this.copyIn(src, start, end);
  }

  /** `src[start, end)` with the escapes of `table` (no surrounding quotes). */
  escaped(src: Buffer, start: number, end: number, table: EscapeTable): void {
    const escapes = table.escapes;
    let run = start;
    for (let i = start; i < end; i++) {
      const e = escapes[src[i]!];
      if (e === undefined) continue;
      if (i > run) this.copyIn(src, run, i);
      this.copyIn(e, 0, e.length);
      run = i + 1;
    }
    if (end > run) this.copyIn(src, run, end);
  }

  /** `n` right-aligned in `width` columns (`%*d`). */
  padded(n: number, width: number): void {
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    const total = Math.max(width, digits);
    if (this.w + total > this.buf.length) this.room(total);
    const buf = this.buf;
    const w = this.w;
    buf.fill(SPACE, w, w + total - digits);
    let x = n;
    for (let i = w + total - 1; i >= w + total - digits; i--) {
      buf[i] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.w = w + total;
  }

  /** Drops the last byte written (mirrors `sdsrange(out,0,-2)`); it is always still in the buffer. */
  dropLastByte(): void {
    if (this.w === 0) throw new Error('BatchWriter: no byte to drop');
    this.w--;
  }

  /** Starts a hold at the current point. */
  hold(): void {
    this.holds.push(this.w);
  }

  /** Ends the innermost hold, first inserting `text` at its point when given. */
  release(text?: string): void {
    const at = this.holds.pop()!;
    if (text === undefined || text.length === 0) return;
    const n = text.length;
    if (this.w + n > this.buf.length) this.grow(n);
    this.buf.copyWithin(at + n, at, this.w);
    this.buf.write(text, at, n, 'latin1');
    this.w += n;
  }

  /** Emits what is buffered (a no-op while something is held). */
  flush(): void {
    if (this.w === 0 || this.holds.length > 0) return;
    if (this.w <= REUSE_UP_TO) {
      // a short batch (one small reply of many, piped): copied out, and the buffer kept for the next
      this.emit(Buffer.from(this.buf.subarray(0, this.w)));
      this.w = 0;
      return;
    }
    this.emit(this.buf.subarray(0, this.w));
    this.buf = Buffer.allocUnsafe(BATCH);
    this.w = 0;
  }

  private copyIn(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= SHORT) {
      if (this.w + n > this.buf.length) this.room(n);
      const buf = this.buf;
      let w = this.w;
      for (let i = start; i < end; i++) buf[w++] = src[i]!;
      this.w = w;
      return;
    }
    while (start < end) {
      if (this.w >= this.buf.length) this.room(1);
      const n = Math.min(end - start, this.buf.length - this.w);
      src.copy(this.buf, this.w, start, start + n);
      this.w += n;
      start += n;
    }
  }

  /** Makes room for `n` more bytes: emit the batch, or grow it while a hold keeps it. */
  private room(n: number): void {
    if (this.holds.length > 0 || n > BATCH) {
      this.grow(n);
      return;
    }
    this.flush();
  }

  private grow(n: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.w + n));
    this.buf.copy(next, 0, 0, this.w);
    this.buf = next;
  }
}
