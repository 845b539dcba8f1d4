/**
 * Command encoding: `*N\r\n` then `$len\r\narg\r\n` per argument (the RESP multi-bulk request form that
 * redis-cli sends). Headers and small arguments are written into as few buffers as possible; big
 * Buffer arguments are passed through as their own chunk, never copied.
 */
import { Buffer } from 'node:buffer';

/** Buffer arguments longer than this are emitted as their own chunk instead of being copied. */
const INLINE_LIMIT = 16 * 1024;
/** Strings up to this length are checked for pure ASCII and written byte by byte (no native call). */
const ASCII_FAST_LENGTH = 64;

/** Encode one command as chunks to write in order. Strings are encoded as UTF-8. */
export function encodeCommand(args: ReadonlyArray<Buffer | string>): Buffer[] {
  return encode(args, INLINE_LIMIT);
}

/** Encode one command into a single buffer (convenient for small commands; copies every argument). */
export function encodeCommandToBuffer(args: ReadonlyArray<Buffer | string>): Buffer {
  return encode(args, Infinity)[0]!;
}

function encode(args: ReadonlyArray<Buffer | string>, inlineLimit: number): Buffer[] {
  const count = args.length;
  const lengths: number[] = [];
  const ascii: boolean[] = [];
  // first pass: byte lengths, and the size of each coalesced segment between passed-through buffers
  let segmentSizes: number[] | undefined;
  let size = headerSize(count);
  for (let i = 0; i < count; i++) {
    const arg = args[i]!;
    let length: number;
    if (typeof arg === 'string') {
      const short = arg.length <= ASCII_FAST_LENGTH && isAscii(arg);
      ascii.push(short);
      length = short ? arg.length : Buffer.byteLength(arg, 'utf8');
    } else {
      ascii.push(false);
      length = arg.length;
    }
    lengths.push(length);
    size += headerSize(length);
    if (typeof arg !== 'string' && length > inlineLimit) {
      (segmentSizes ??= []).push(size);
      size = 2; // the \r\n after the passed-through argument opens the next segment
    } else {
      size += length + 2;
    }
  }
  (segmentSizes ??= []).push(size);

  // second pass: write
  const chunks: Buffer[] = [];
  let segment = 0;
  let out = Buffer.allocUnsafe(segmentSizes[0]!);
  let offset = writeHeader(out, 0, 0x2a, count); // *
  for (let i = 0; i < count; i++) {
    const arg = args[i]!;
    const length = lengths[i]!;
    offset = writeHeader(out, offset, 0x24, length); // $
    if (typeof arg === 'string') {
      if (ascii[i]) {
        for (let k = 0; k < length; k++) out[offset++] = arg.charCodeAt(k);
      } else {
        offset += out.write(arg, offset, 'utf8');
      }
    } else if (length > inlineLimit) {
      chunks.push(out, arg);
      out = Buffer.allocUnsafe(segmentSizes[++segment]!);
      offset = 0;
    } else {
      offset += arg.copy(out, offset);
    }
    out[offset++] = 0x0d; // \r
    out[offset++] = 0x0a; // \n
  }
  chunks.push(out);
  return chunks;
}

/** Slab size of a CommandBatch: many small commands share one allocation. */
const SLAB_SIZE = 64 * 1024;

/**
 * Commands encoded back to back into shared 64 KiB slabs, for pipelines: `add` costs no allocation
 * per command (no arrays, no Buffer), `take` hands over what was added since the last `take` as a few
 * views of the slabs. A slab is never written again once a view of it is handed out (the writer
 * moves on to a fresh one when it is full), so the views stay valid while a socket queues them.
 * Buffer arguments over the inline limit are passed through as their own chunk, as `encodeCommand`
 * does.
 */
export class CommandBatch {
  private slab = Buffer.allocUnsafe(SLAB_SIZE);
  /** First byte of the slab not handed out yet, and the next free byte. */
  private start = 0;
  private end = 0;
  private out: Buffer[] = [];

  /** Bytes added and not yet taken. */
  get size(): number {
    let n = this.end - this.start;
    for (const c of this.out) n += c.length;
    return n;
  }

  add(args: ReadonlyArray<Buffer | string>): void {
    const size = inlineSize(args);
    if (size < 0) {
      this.cut();
      for (const c of encodeCommand(args)) this.out.push(c);
      return;
    }
    if (this.end + size > this.slab.length) {
      this.cut();
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_SIZE, size));
      this.start = this.end = 0;
    }
    this.end = encodeInto(args, this.slab, this.end);
  }

  /** Everything added since the last call, in order (empty when nothing was). */
  take(): Buffer[] {
    this.cut();
    const out = this.out;
    this.out = [];
    return out;
  }

  private cut(): void {
    if (this.end > this.start) {
      this.out.push(this.slab.subarray(this.start, this.end));
      this.start = this.end;
    }
  }
}

/** Encoded size of a command, or -1 when a Buffer argument is over the inline limit. */
function inlineSize(args: ReadonlyArray<Buffer | string>): number {
  let size = headerSize(args.length);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (typeof arg !== 'string' && arg.length > INLINE_LIMIT) return -1;
    const length = typeof arg === 'string' ? stringLength(arg) : arg.length;
    size += headerSize(length) + length + 2;
  }
  return size;
}

/** Buffer arguments up to this many bytes are copied byte by byte. */
const SHORT_COPY = 32;

/** Writes a command at `offset` (room for inlineSize(args) bytes); returns the offset after it. */
function encodeInto(args: ReadonlyArray<Buffer | string>, out: Buffer, offset: number): number {
  offset = writeHeader(out, offset, 0x2a, args.length); // *
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (typeof arg === 'string') {
      const length = stringLength(arg);
      offset = writeHeader(out, offset, 0x24, length); // $
      if (length === arg.length) {
        for (let k = 0; k < length; k++) out[offset++] = arg.charCodeAt(k);
      } else {
        offset += out.write(arg, offset, 'utf8');
      }
    } else {
      const length = arg.length;
      offset = writeHeader(out, offset, 0x24, length);
      if (length <= SHORT_COPY) {
        // a native copy call costs more than a short loop (piped SET key:N value:N: ~10 % of the run)
        for (let k = 0; k < length; k++) out[offset++] = arg[k]!;
      } else {
        offset += arg.copy(out, offset);
      }
    }
    out[offset++] = 0x0d; // \r
    out[offset++] = 0x0a; // \n
  }
  return offset;
}

/** UTF-8 byte length; equal to `s.length` exactly when `s` is ASCII (checked by hand when short). */
function stringLength(s: string): number {
  return s.length <= ASCII_FAST_LENGTH && isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** Every UTF-16 unit is ASCII, so its UTF-8 bytes are its char codes. */
function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 0x7f) return false;
  return true;
}

/** Bytes of `<type><n>\r\n`. */
function headerSize(n: number): number {
  return 1 + decimalLength(n) + 2;
}

function decimalLength(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Write `<type><n>\r\n` (n a non-negative integer) at `offset`; returns the offset after it. */
function writeHeader(out: Buffer, offset: number, type: number, n: number): number {
  out[offset] = type;
  if (n < 10) {
    // most headers of a command (`*3`, `$3`, `$5`): one digit, no division
    out[offset + 1] = 0x30 + n;
    out[offset + 2] = 0x0d; // \r
    out[offset + 3] = 0x0a; // \n
    return offset + 4;
  }
  let end = offset + 1 + decimalLength(n);
  const after = end;
  do {
    out[--end] = 0x30 + (n % 10); // digits right to left
    n = Math.floor(n / 10);
  } while (n > 0);
  out[after] = 0x0d; // \r
  out[after + 1] = 0x0a; // \n
  return after + 2;
}
