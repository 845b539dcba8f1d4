/**
 * Incremental RESP2/RESP3 decoder. Bytes go in with `feed(chunk)`, complete top-level replies come out
 * of `next()`. The reply model, the limits and the protocol-error wording mirror hiredis `read.c`.
 *
 * How it stays fast and safe:
 * - Aggregates are built on an explicit stack (no recursion), so nesting depth is bounded by
 *   `maxDepth`, not by the JS stack.
 * - Only the atom being parsed (one line, or one bulk header + payload) is ever retried when bytes are
 *   missing; the aggregates around it keep their progress.
 * - Fed chunks are queued, never concatenated on arrival. When an atom straddles chunks it is merged
 *   once, and only the atom's own bytes are copied: a bulk string waits until its declared length has
 *   arrived (an O(1) check per feed) and a line waits for a chunk holding `\n`, each chunk scanned once.
 *   A 100 MB bulk fed in 64 KiB chunks is therefore copied exactly once (as node-redis-parser does with
 *   its chunk cache).
 */
import { Buffer } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import { RESP_TYPE, type RespMapEntries, type RespValue } from './value.js';

/** Limits applied to what the server may declare. */
export interface RespDecoderOptions {
  /** Largest bulk string, verbatim string, blob error or simple line, in bytes. Default 512 MiB. */
  maxBulkLength?: number;
  /** Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes). Default 1000. */
  maxDepth?: number;
}

const CR = 0x0d; // \r
const LF = 0x0a; // \n
const MINUS = 0x2d; // -
const DIGIT_0 = 0x30; // 0
const DIGIT_1 = 0x31; // 1
const DIGIT_9 = 0x39; // 9

const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 1000;
/** Largest aggregate count accepted from the wire. */
const MAX_AGGREGATE_COUNT = 2 ** 32;
/** Longest valid signed 64-bit decimal: `-9223372036854775808`. */
const MAX_INTEGER_TEXT = 20;
/** hiredis copies a double into `char buf[326]`: 326 bytes or more is "Double value is too large". */
const MAX_DOUBLE_TEXT = 325;
/** Decimal text of Number-exact integers: at most 15 digits always fits in 2^53. */
const MAX_FAST_DIGITS = 15;
const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';
/** strtod-style finite decimal, as hiredis accepts for `,` (the inf/nan words are checked apart). */
const DOUBLE_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

const EMPTY = Buffer.alloc(0);

/** 1 for the type bytes whose reply is one line. */
const LINE_TYPES = new Uint8Array(256);
for (const type of [
  RESP_TYPE.SIMPLE_STRING,
  RESP_TYPE.SIMPLE_ERROR,
  RESP_TYPE.INTEGER,
  RESP_TYPE.DOUBLE,
  RESP_TYPE.NULL,
  RESP_TYPE.BOOLEAN,
  RESP_TYPE.BIG_NUMBER,
]) {
  LINE_TYPES[type] = 1;
}

/** Protocol-error messages, worded as hiredis `read.c` where it has a wording. */
const MSG = {
  badInteger: 'Bad integer value',
  badDouble: 'Bad double value',
  doubleTooLarge: 'Double value is too large',
  badNil: 'Bad nil value',
  badBool: 'Bad bool value',
  badBignum: 'Bad bignum value',
  badSimple: 'Bad simple string value',
  simpleTooLong: 'Simple string length out of range',
  badBulkLength: 'Bad bulk string length',
  bulkOutOfRange: 'Bulk string length out of range',
  badBulkTerminator: 'Bulk string is not terminated by CRLF',
  badVerbatim: 'Verbatim string 4 bytes of content type are missing or incorrectly encoded.',
  badMultiBulkLength: 'Bad multi-bulk length',
  multiBulkOutOfRange: 'Multi-bulk length out of range',
  maxDepth: 'Max nesting depth exceeded',
} as const;

type AggregateKind = 'array' | 'set' | 'push' | 'map' | 'attribute';

/** One open aggregate on the decode stack. Every field is always set, so frames share one shape. */
class Frame {
  /** Map key waiting for its value (`undefined`: the next item is a key). */
  key: RespValue | undefined = undefined;

  constructor(
    readonly kind: AggregateKind,
    /** The reply being filled; `undefined` for an attribute, which is not a reply. */
    readonly value: RespValue | undefined,
    /** Items of an array, set or push. */
    readonly items: RespValue[] | undefined,
    /** Pairs of a map or attribute. */
    readonly entries: RespMapEntries | undefined,
    /** Elements still expected (a map counts keys and values). */
    public remaining: number,
    /** Attributes that were pending when an attribute started (merged into it when it ends). */
    readonly outerAttributes: RespMapEntries | undefined,
  ) {}
}

/**
 * Streaming RESP decoder. Errors are sticky: after a protocol error every `feed` and `next` throws the
 * same `ProtocolError` (the connection cannot be resynchronised).
 */
export class RespDecoder {
  private readonly maxBulkLength: number;
  private readonly maxDepth: number;

  /** Chunk being parsed and the offset of its first unparsed byte. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks fed after `buf`, consumed from `head`. */
  private pending: Buffer[] = [];
  private head = 0;
  private pendingBytes = 0;

  /**
   * The atom at `pos` is incomplete: 0 = not waiting, -1 = waiting for the `\n` of a line,
   * n > 0 = waiting until n bytes from `pos` are available.
   */
  private waitNeed = 0;
  /** Type byte of the incomplete atom. */
  private waitType = 0;
  /** Line wait: pending chunks from `head` up to here hold no `\n`; their byte count. */
  private scanned = 0;
  private scannedBytes = 0;

  private readonly stack: Frame[] = [];
  /** Attributes read, waiting for the value they annotate. */
  private attributes: RespMapEntries | undefined = undefined;
  private failure: ProtocolError | undefined = undefined;

  constructor(opts?: RespDecoderOptions) {
    this.maxBulkLength = opts?.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
    this.maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Bytes received but not yet decoded (items of an unfinished aggregate already decoded are not counted). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  /** Queue bytes from the server. The chunk is kept (not copied) until decoded. */
  feed(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.head === this.pending.length) {
      this.buf = chunk;
      this.pos = 0;
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  /** The next complete top-level reply, or `undefined` when more bytes are needed. */
  next(): RespValue | undefined {
    if (this.failure !== undefined) throw this.failure;
    for (;;) {
      if (this.pos >= this.buf.length) {
        if (!this.shiftChunk()) return undefined;
      } else if (this.waitNeed !== 0) {
        if (!this.mergeAtom()) return undefined;
      }
      const reply = this.parse();
      if (reply !== undefined) return reply;
    }
  }

  /**
   * Decode atoms from `buf` at `pos` until a top-level reply completes (returned), the chunk runs out,
   * or an atom is incomplete (the wait state is recorded); both of the latter return `undefined`.
   */
  private parse(): RespValue | undefined {
    const buf = this.buf;
    const end = buf.length;
    const stack = this.stack;
    let pos = this.pos;

    while (pos < end) {
      const start = pos;
      const type = buf[pos]!;
      let value: RespValue;

      if (type === RESP_TYPE.BULK_STRING || type === RESP_TYPE.VERBATIM_STRING || type === RESP_TYPE.BULK_ERROR) {
        const cr = buf.indexOf(CR, start + 1);
        if (cr === -1 || cr + 1 >= end) return this.waitLine(start, type, cr);
        if (buf[cr + 1] !== LF) return this.fail(MSG.badBulkLength);
        const len = parseDecimal(buf, start + 1, cr);
        if (len !== len) return this.fail(MSG.badBulkLength); // NaN
        if (len < -1 || len > this.maxBulkLength) return this.fail(MSG.bulkOutOfRange);
        if (len === -1) {
          value = { kind: 'null', from: 'bulk' };
          pos = cr + 2; // skip \r\n
        } else {
          const dataStart = cr + 2; // skip \r\n
          const dataEnd = dataStart + len;
          if (dataEnd + 2 > end) return this.waitBytes(start, type, dataEnd + 2 - start);
          if (buf[dataEnd] !== CR || buf[dataEnd + 1] !== LF) return this.fail(MSG.badBulkTerminator);
          pos = dataEnd + 2; // skip \r\n
          if (type === RESP_TYPE.BULK_STRING) {
            value = { kind: 'bulk', value: buf.subarray(dataStart, dataEnd) };
          } else if (type === RESP_TYPE.BULK_ERROR) {
            value = { kind: 'error', value: buf.subarray(dataStart, dataEnd), blob: true };
          } else {
            // `=<len>\r\nfmt:<text>\r\n`: hiredis checks only that byte 3 is ':'
            if (len < 4 || buf[dataStart + 3] !== 0x3a) return this.fail(MSG.badVerbatim);
            value = {
              kind: 'verbatim',
              format: buf.toString('latin1', dataStart, dataStart + 3),
              value: buf.subarray(dataStart + 4, dataEnd),
            };
          }
        }
      } else if (
        type === RESP_TYPE.ARRAY ||
        type === RESP_TYPE.MAP ||
        type === RESP_TYPE.SET ||
        type === RESP_TYPE.PUSH ||
        type === RESP_TYPE.ATTRIBUTE
      ) {
        if (stack.length >= this.maxDepth) return this.fail(MSG.maxDepth);
        const cr = buf.indexOf(CR, start + 1);
        if (cr === -1 || cr + 1 >= end) return this.waitLine(start, type, cr);
        if (buf[cr + 1] !== LF) return this.fail(MSG.badMultiBulkLength);
        const count = parseDecimal(buf, start + 1, cr);
        if (count !== count) return this.fail(MSG.badMultiBulkLength); // NaN
        if (count < -1 || count > MAX_AGGREGATE_COUNT || (count === -1 && type === RESP_TYPE.ATTRIBUTE)) {
          return this.fail(MSG.multiBulkOutOfRange);
        }
        pos = cr + 2; // skip \r\n
        if (count === -1) {
          value = { kind: 'null', from: 'array' };
        } else if (type === RESP_TYPE.ATTRIBUTE) {
          const outer = this.attributes;
          this.attributes = undefined;
          if (count === 0) {
            this.attributes = outer === undefined ? [] : outer;
          } else {
            stack.push(new Frame('attribute', undefined, undefined, [], count * 2, outer));
          }
          continue;
        } else if (type === RESP_TYPE.MAP) {
          const entries: RespMapEntries = [];
          value = { kind: 'map', entries };
          if (count > 0) {
            this.annotate(value);
            stack.push(new Frame('map', value, undefined, entries, count * 2, undefined));
            continue;
          }
        } else {
          const kind = type === RESP_TYPE.ARRAY ? 'array' : type === RESP_TYPE.SET ? 'set' : 'push';
          // items are pushed as they arrive: a count from the wire never preallocates
          const items: RespValue[] = [];
          value = { kind, items };
          if (count > 0) {
            this.annotate(value);
            stack.push(new Frame(kind, value, items, undefined, count, undefined));
            continue;
          }
        }
      } else {
        // line types: + - : , _ # (
        if (LINE_TYPES[type] === 0) return this.fail(`Protocol error, got ${reprByte(type)} as reply type byte`);
        const cr = buf.indexOf(CR, start + 1);
        if (cr === -1 || cr + 1 >= end) return this.waitLine(start, type, cr);
        const s = start + 1;
        switch (type) {
          case RESP_TYPE.SIMPLE_STRING:
          case RESP_TYPE.SIMPLE_ERROR: {
            const lf = buf.indexOf(LF, s);
            if (buf[cr + 1] !== LF || lf < cr) return this.fail(MSG.badSimple);
            value =
              type === RESP_TYPE.SIMPLE_STRING
                ? { kind: 'simple', value: buf.subarray(s, cr) }
                : { kind: 'error', value: buf.subarray(s, cr) };
            break;
          }
          case RESP_TYPE.INTEGER: {
            if (buf[cr + 1] !== LF) return this.fail(MSG.badInteger);
            const n = parseDecimal(buf, s, cr);
            if (n !== n) return this.fail(MSG.badInteger); // NaN
            // short text is exact as a Number; longer text goes through BigInt to keep all 64 bits
            value = { kind: 'integer', value: cr - s <= MAX_FAST_DIGITS ? BigInt(n) : BigInt(buf.toString('latin1', s, cr)) };
            break;
          }
          case RESP_TYPE.DOUBLE: {
            if (cr - s > MAX_DOUBLE_TEXT) return this.fail(MSG.doubleTooLarge);
            if (buf[cr + 1] !== LF) return this.fail(MSG.badDouble);
            const text = buf.toString('latin1', s, cr);
            if (!isDoubleText(text)) return this.fail(MSG.badDouble);
            value = { kind: 'double', text };
            break;
          }
          case RESP_TYPE.NULL:
            if (cr !== s || buf[cr + 1] !== LF) return this.fail(MSG.badNil);
            value = { kind: 'null', from: 'null' };
            break;
          case RESP_TYPE.BOOLEAN: {
            const c = buf[s];
            if (cr - s !== 1 || buf[cr + 1] !== LF || (c !== 0x74 && c !== 0x54 && c !== 0x66 && c !== 0x46)) {
              return this.fail(MSG.badBool); // only t T f F
            }
            value = { kind: 'boolean', value: c === 0x74 || c === 0x54 };
            break;
          }
          default: {
            // RESP_TYPE.BIG_NUMBER, the last of LINE_TYPES
            if (buf[cr + 1] !== LF || !isBignumText(buf, s, cr)) return this.fail(MSG.badBignum);
            value = { kind: 'bignum', text: buf.toString('latin1', s, cr) };
            break;
          }
        }
        pos = cr + 2; // skip \r\n
      }

      this.annotate(value);
      const reply = this.complete(value);
      if (reply !== undefined) {
        this.consumedTo(pos);
        return reply;
      }
    }
    this.consumedTo(pos);
    return undefined;
  }

  /** Attach pending attributes (an `|` read before) to the value that follows them. */
  private annotate(value: RespValue): void {
    const attributes = this.attributes;
    if (attributes !== undefined) {
      this.attributes = undefined;
      value.attributes = attributes;
    }
  }

  /** Add a finished value to the open aggregates; returns the top-level reply once one is complete. */
  private complete(value: RespValue): RespValue | undefined {
    const stack = this.stack;
    let v = value;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return v;
      if (top.items !== undefined) {
        top.items.push(v);
      } else if (top.key === undefined) {
        top.key = v;
      } else {
        top.entries!.push([top.key, v]);
        top.key = undefined;
      }
      if (--top.remaining !== 0) return undefined;
      stack.pop();
      if (top.value === undefined) {
        // an attribute ended: it annotates the next value and is not an item of its parent
        const outer = top.outerAttributes;
        this.attributes = outer === undefined ? top.entries : outer.concat(top.entries!);
        return undefined;
      }
      v = top.value;
    }
  }

  private consumedTo(pos: number): void {
    if (pos >= this.buf.length) {
      this.buf = EMPTY; // let the chunk go once nothing refers to it
      this.pos = 0;
    } else {
      this.pos = pos;
    }
  }

  /** The current chunk is used up: move to the next queued one. */
  private shiftChunk(): boolean {
    const pending = this.pending;
    if (this.head === pending.length) {
      this.buf = EMPTY;
      this.pos = 0;
      return false;
    }
    const chunk = pending[this.head]!;
    pending[this.head++] = EMPTY;
    this.pendingBytes -= chunk.length;
    if (this.head === pending.length) {
      this.pending = [];
      this.head = 0;
    }
    this.buf = chunk;
    this.pos = 0;
    return true;
  }

  /** A line atom at `start` has no `\r\n` yet: fail early if it can never become valid, else wait. */
  private waitLine(start: number, type: number, cr: number): undefined {
    const buf = this.buf;
    const contentStart = start + 1;
    // a `\r` not followed by `\n` makes every line type invalid; here only the last byte may be `\r`
    if (buf.indexOf(LF, contentStart) !== -1) return this.fail(lineError(type));
    const length = (cr === -1 ? buf.length : cr) - contentStart;
    this.checkLineLength(type, length);
    this.pos = start;
    this.waitNeed = -1;
    this.waitType = type;
    this.scanned = this.head;
    this.scannedBytes = 0;
    return undefined;
  }

  /** A bulk atom at `start` needs `need` bytes from `start`. */
  private waitBytes(start: number, type: number, need: number): undefined {
    this.pos = start;
    this.waitNeed = need;
    this.waitType = type;
    return undefined;
  }

  /** The longest line content each type could still turn into a valid reply. */
  private checkLineLength(type: number, length: number): void {
    let max: number;
    switch (type) {
      case RESP_TYPE.NULL:
        max = 0;
        break;
      case RESP_TYPE.BOOLEAN:
        max = 1;
        break;
      case RESP_TYPE.DOUBLE:
        if (length > MAX_DOUBLE_TEXT) this.fail(MSG.doubleTooLarge);
        return;
      case RESP_TYPE.SIMPLE_STRING:
      case RESP_TYPE.SIMPLE_ERROR:
        if (length > this.maxBulkLength) this.fail(MSG.simpleTooLong);
        return;
      case RESP_TYPE.BIG_NUMBER:
        max = this.maxBulkLength;
        break;
      default:
        max = MAX_INTEGER_TEXT; // integers and every length header
    }
    if (length > max) this.fail(lineError(type));
  }

  /**
   * Merge the incomplete atom at `pos` with queued chunks once enough bytes are there. Copies only the
   * atom's bytes; the rest of the last chunk used stays queued. Returns false to keep waiting.
   */
  private mergeAtom(): boolean {
    const have = this.buf.length - this.pos;
    const pending = this.pending;
    let need: number;
    if (this.waitNeed > 0) {
      need = this.waitNeed;
      if (have + this.pendingBytes < need) return false;
    } else {
      // line: find the first queued chunk holding `\n`, scanning each chunk once across calls
      let i = this.scanned;
      let lf = -1;
      for (; i < pending.length; i++) {
        lf = pending[i]!.indexOf(LF);
        if (lf !== -1) break;
        this.scannedBytes += pending[i]!.length;
      }
      this.scanned = i;
      if (lf === -1) {
        // content length so far, less the type byte and a possible trailing `\r`
        this.checkLineLength(this.waitType, have + this.scannedBytes - 2);
        return false;
      }
      need = have + this.scannedBytes + lf + 1;
    }

    const parts: Buffer[] = [this.buf.subarray(this.pos)];
    let got = have;
    while (got < need) {
      const chunk = pending[this.head]!;
      const take = need - got;
      if (chunk.length <= take) {
        parts.push(chunk);
        pending[this.head++] = EMPTY;
        this.pendingBytes -= chunk.length;
        got += chunk.length;
      } else {
        parts.push(chunk.subarray(0, take));
        pending[this.head] = chunk.subarray(take);
        this.pendingBytes -= take;
        got = need;
      }
    }
    if (this.head === pending.length) {
      this.pending = [];
      this.head = 0;
    }
    this.buf = Buffer.concat(parts, need);
    this.pos = 0;
    this.waitNeed = 0;
    return true;
  }

  /** Record a sticky protocol error, drop the buffered bytes and throw. */
  private fail(message: string): never {
    const error = new ProtocolError(message);
    this.failure = error;
    this.buf = EMPTY;
    this.pos = 0;
    this.pending = [];
    this.head = 0;
    this.pendingBytes = 0;
    this.waitNeed = 0;
    this.stack.length = 0;
    this.attributes = undefined;
    throw error;
  }
}

/** The message for a malformed line of the given type. */
function lineError(type: number): string {
  switch (type) {
    case RESP_TYPE.SIMPLE_STRING:
    case RESP_TYPE.SIMPLE_ERROR:
      return MSG.badSimple;
    case RESP_TYPE.INTEGER:
      return MSG.badInteger;
    case RESP_TYPE.DOUBLE:
      return MSG.badDouble;
    case RESP_TYPE.NULL:
      return MSG.badNil;
    case RESP_TYPE.BOOLEAN:
      return MSG.badBool;
    case RESP_TYPE.BIG_NUMBER:
      return MSG.badBignum;
    case RESP_TYPE.BULK_STRING:
    case RESP_TYPE.VERBATIM_STRING:
    case RESP_TYPE.BULK_ERROR:
      return MSG.badBulkLength;
    default:
      return MSG.badMultiBulkLength;
  }
}

/**
 * Strict signed 64-bit decimal, as hiredis `string2ll`: no sign other than a leading `-`, no leading
 * zeros, no `-0`, no spaces. Returns NaN when invalid; beyond 15 digits the Number is approximate
 * (callers needing every bit re-read the text).
 */
function parseDecimal(buf: Buffer, start: number, end: number): number {
  let i = start;
  if (i === end) return NaN;
  const negative = buf[i] === MINUS;
  if (negative && ++i === end) return NaN;
  let c = buf[i]!;
  if (c === DIGIT_0) return end - start === 1 ? 0 : NaN;
  if (c < DIGIT_1 || c > DIGIT_9) return NaN;
  const digits = end - i;
  if (digits > INT64_MAX_DIGITS.length) return NaN;
  let n = 0;
  for (; i < end; i++) {
    c = buf[i]!;
    if (c < DIGIT_0 || c > DIGIT_9) return NaN;
    n = n * 10 + (c - DIGIT_0);
  }
  if (digits === INT64_MAX_DIGITS.length) {
    // compare with the int64 limit digit by digit (equal length, so text order is numeric order)
    const limit = negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS;
    for (let k = 0, j = end - digits; k < digits; k++, j++) {
      const d = buf[j]! - limit.charCodeAt(k);
      if (d < 0) break;
      if (d > 0) return NaN;
    }
  }
  return negative ? -n : n;
}

/**
 * `inf`, `-inf` (any case) or a finite strtod decimal, as hiredis (redis-cli 7.0.15) accepts; and
 * `nan`/`-nan`, which the RESP3 spec allows but hiredis 7.0.15 rejects ("Bad double value"): tredis-cli
 * prints them (format/ documents that rendering as its own).
 */
function isDoubleText(text: string): boolean {
  if (text.length === 3 || text.length === 4) {
    const lower = text.toLowerCase();
    if (lower === 'inf' || lower === '-inf' || lower === 'nan' || lower === '-nan') return true;
  }
  return DOUBLE_TEXT.test(text) && Number.isFinite(Number(text));
}

/** hiredis: every byte a decimal digit, except a leading `-`. */
function isBignumText(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (i === start && c === MINUS) continue;
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  return true;
}

/** A byte in double quotes, escaped like hiredis `chrtos` / redis `sdscatrepr`. */
function reprByte(byte: number): string {
  switch (byte) {
    case 0x5c: // \
      return '"\\\\"';
    case 0x22: // "
      return '"\\""';
    case 0x0a:
      return '"\\n"';
    case 0x0d:
      return '"\\r"';
    case 0x09:
      return '"\\t"';
    case 0x07:
      return '"\\a"';
    case 0x08:
      return '"\\b"';
    default:
      if (byte >= 0x20 && byte <= 0x7e) return `"${String.fromCharCode(byte)}"`;
      return `"\\x${byte.toString(16).padStart(2, '0')}"`;
  }
}
