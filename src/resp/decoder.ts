/**
 * Incremental RESP2/RESP3 decoder. Bytes go in with `feed(chunk)`. They come out either as events
 * (`read()`: an aggregate opens with its count, a scalar, an aggregate ends, a large bulk string
 * arrives in pieces), so a formatter can print a reply while it decodes, or as whole top-level replies
 * (`next()`, built from those same events). The reply model, the limits and the protocol-error wording
 * mirror hiredis `read.c`.
 *
 * How it stays fast and safe:
 * - A pull cursor: `read()` returns a small integer and leaves the event's data in fields (`type`,
 *   `chunk`/`start`/`end`, `count`…), so streaming a 1,000,000-element array allocates nothing per
 *   element. `next()` allocates only the values it returns.
 * - Open aggregates are counted on an explicit stack (no recursion): nesting depth is bounded by
 *   `maxDepth`, not by the JS stack.
 * - Only the atom being parsed (one line, or one bulk header + payload) is ever retried when bytes are
 *   missing; the aggregates around it keep their progress.
 * - Fed chunks are queued, never concatenated on arrival. An atom that straddles chunks is merged once,
 *   copying only its own bytes: a bulk string waits until its declared length has arrived (an O(1)
 *   check per feed) and a line waits for a chunk holding `\n`, each chunk scanned once.
 * - A bulk string of `streamBulkOver` bytes or more is not merged: it is passed on as views of the
 *   received chunks (BULK_PIECE), so `read()` callers never hold it whole and it has no size cap.
 *   `next()` joins the pieces (one copy, as node-redis-parser does with its chunk cache) and only there
 *   is `maxBulkLength` applied to it.
 * - Limits are checked where the data is read: a length or count is checked as soon as its header line
 *   is complete, a line as soon as it is longer than any valid one; errors are sticky.
 */
import { Buffer } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import { RESP_TYPE, type RespMapEntries, type RespValue } from './value.js';

/** Limits applied to what the server may declare. */
export interface RespDecoderOptions {
  /**
   * Largest bulk string held whole (`next()`), and largest verbatim string, blob error or simple line,
   * in bytes. Default 512 MiB. Bulk strings streamed through `read()` have no cap.
   */
  maxBulkLength?: number;
  /** Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes). Default 1000. */
  maxDepth?: number;
  /** Bulk strings (`$`) of this many bytes or more arrive as BULK_START/PIECE/END. Default 1 MiB. */
  streamBulkOver?: number;
}

/** What `read()` found. The event's data is in the decoder's fields until the next `read()`. */
export const RESP_EVENT = {
  /** More bytes are needed. */
  NONE: 0,
  /** A whole non-aggregate value: `type`, `isNull`, payload `chunk[start, end)`; `attributes`. */
  SCALAR: 1,
  /** An aggregate opens: `type`, `count` (pairs for a map); `attributes`. An END follows its last element. */
  AGGREGATE: 2,
  /** The innermost open aggregate is complete (`type` is its type). */
  END: 3,
  /** A bulk string of `length` ≥ `streamBulkOver` bytes starts; `attributes`. */
  BULK_START: 4,
  /** Some bytes of that bulk string: `chunk[start, end)`, a view of a received chunk. */
  BULK_PIECE: 5,
  /** That bulk string is complete. */
  BULK_END: 6,
} as const;

const { NONE, SCALAR, AGGREGATE, END, BULK_START, BULK_PIECE, BULK_END } = RESP_EVENT;

const CR = 0x0d; // \r
const LF = 0x0a; // \n
const MINUS = 0x2d; // -
const DIGIT_0 = 0x30; // 0
const DIGIT_1 = 0x31; // 1
const DIGIT_9 = 0x39; // 9

const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 1000;
const DEFAULT_STREAM_BULK_OVER = 1024 * 1024;
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
/** The `+OK` reply (see scalarValue). */
const OK_REPLY: RespValue = Object.freeze({ kind: 'simple', value: Buffer.from('OK', 'latin1') }) as RespValue;

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

/** 1 for the type bytes `parseAtom` has a fast path for (`+`, `:`, `$`): never an aggregate. */
const FAST_TYPES = new Uint8Array(256);
FAST_TYPES[RESP_TYPE.SIMPLE_STRING] = 1;
FAST_TYPES[RESP_TYPE.INTEGER] = 1;
FAST_TYPES[RESP_TYPE.BULK_STRING] = 1;

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

/**
 * `kind`, and `attributes` until one is set, live on the prototype of the reply classes below, so an
 * instance holds its payload fields only.
 */
function onPrototype(cls: { prototype: object }, kind: 'bulk' | 'integer'): void {
  Object.defineProperty(cls.prototype, 'kind', { value: kind, enumerable: true });
  Object.defineProperty(cls.prototype, 'attributes', { value: undefined, writable: true, enumerable: false });
}

/**
 * A bulk string reply as `next()` returns it: the payload is `chunk[start, end)` of a received chunk,
 * and `value` is a Buffer view of it made on use (no copy). A 1,000,000-element array thus costs one
 * small object per element instead of a typed-array view each (the view is what V8 allocates and
 * scavenges slowly), and a consumer that never looks at an element's bytes never pays for its view.
 * Read-only, like every decoded value; `kind` lives on the prototype so an instance is three fields.
 */
export class BulkReply {
  declare readonly kind: 'bulk';
  declare attributes: RespMapEntries | undefined;

  constructor(
    private readonly chunk: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get value(): Buffer {
    return this.chunk.subarray(this.start, this.end);
  }
}
onPrototype(BulkReply, 'bulk');

/**
 * A streamed bulk string as `next()` returns it: the views of the received chunks that hold it, joined
 * into one Buffer on first use of `value` (and kept), so a reply that is passed on, counted or dropped
 * is never copied.
 */
export class PiecedBulkReply {
  declare readonly kind: 'bulk';
  declare attributes: RespMapEntries | undefined;
  private pieces: Buffer[] | undefined;
  private joined: Buffer | undefined = undefined;

  constructor(
    pieces: Buffer[],
    /** The bulk string's length, the pieces' total. */
    readonly length: number,
  ) {
    this.pieces = pieces;
  }

  get value(): Buffer {
    if (this.joined === undefined) {
      this.joined = Buffer.concat(this.pieces!, this.length);
      this.pieces = undefined;
    }
    return this.joined;
  }
}
onPrototype(PiecedBulkReply, 'bulk');

/**
 * An integer reply as `next()` returns it: the value is held as a Number when exact (15 digits or
 * fewer) and `value` makes the bigint on use, so the common reply costs one small object.
 */
export class IntegerReply {
  declare readonly kind: 'integer';
  declare attributes: RespMapEntries | undefined;

  /** A Number only when exact (15 digits or fewer). */
  constructor(private readonly n: number | bigint) {}

  get value(): bigint {
    return typeof this.n === 'bigint' ? this.n : BigInt(this.n);
  }
}
onPrototype(IntegerReply, 'integer');

/** One aggregate being built by `next()`. Every field is always set, so frames share one shape. */
class Frame {
  /** Map key waiting for its value (`undefined`: the next item is a key). */
  key: RespValue | undefined = undefined;

  constructor(
    /** The reply being filled (an attribute is built as a map). */
    readonly value: RespValue,
    /** Items of an array, set or push. */
    readonly items: RespValue[] | undefined,
    /** Pairs of a map or attribute. */
    readonly entries: RespMapEntries | undefined,
  ) {}
}

/** Builds whole values from the events of a decoder (`next()`, and the attributes `read()` folds in). */
class ValueBuilder {
  private readonly stack: Frame[] = [];
  /** A streamed bulk string being joined. */
  private parts: Buffer[] | undefined = undefined;
  private partsLength = 0;

  get isBuilding(): boolean {
    return this.stack.length > 0 || this.parts !== undefined;
  }

  /** Takes the decoder's current event; returns the value it completes, if any. */
  add(d: RespDecoder, event: number): RespValue | undefined {
    let value: RespValue;
    switch (event) {
      case SCALAR:
        value = d.scalarValue();
        break;
      case AGGREGATE: {
        const type = d.type;
        if (type === RESP_TYPE.MAP || type === RESP_TYPE.ATTRIBUTE) {
          const entries: RespMapEntries = [];
          value = { kind: 'map', entries };
          if (d.attributes !== undefined) value.attributes = d.attributes;
          this.stack.push(new Frame(value, undefined, entries));
        } else {
          // items are pushed as they arrive: a count from the wire never preallocates
          const items: RespValue[] = [];
          value = { kind: type === RESP_TYPE.ARRAY ? 'array' : type === RESP_TYPE.SET ? 'set' : 'push', items };
          if (d.attributes !== undefined) value.attributes = d.attributes;
          this.stack.push(new Frame(value, items, undefined));
        }
        return undefined;
      }
      case END:
        value = this.stack.pop()!.value;
        break;
      case BULK_START:
        // the limit of what is held whole applies here, on the header: before any byte is kept
        if (d.length > d.maxBulkLength) d.fail(MSG.bulkOutOfRange, wholeBulkHint(d.length, d.maxBulkLength));
        this.parts = [];
        this.partsLength = 0;
        return undefined;
      case BULK_PIECE:
        this.parts!.push(d.chunk.subarray(d.start, d.end));
        this.partsLength += d.end - d.start;
        return undefined;
      default: {
        // BULK_END
        value = new PiecedBulkReply(this.parts!, this.partsLength);
        if (d.bulkAttributes !== undefined) value.attributes = d.bulkAttributes;
        this.parts = undefined;
        break;
      }
    }
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return value;
    if (top.items !== undefined) {
      top.items.push(value);
    } else if (top.key === undefined) {
      top.key = value;
    } else {
      top.entries!.push([top.key, value]);
      top.key = undefined;
    }
    return undefined;
  }

  reset(): void {
    this.stack.length = 0;
    this.parts = undefined;
  }
}

/** An attribute being read by `read()`, and the attributes pending when it started. */
interface AttributeBuild {
  builder: ValueBuilder;
  outer: RespMapEntries | undefined;
}

/**
 * Streaming RESP decoder. Errors are sticky: after a protocol error every `feed`, `read` and `next`
 * throws the same `ProtocolError` (the connection cannot be resynchronised).
 */
export class RespDecoder {
  readonly maxBulkLength: number;
  private readonly maxDepth: number;
  private readonly streamBulkOver: number;

  // ---- the current event (see RESP_EVENT) -------------------------------------------------------
  /** The last event `read()` returned. */
  event: number = NONE;
  /** RESP type byte of the event's item (for END: of the aggregate that ended). */
  type = 0;
  /** SCALAR: a RESP2 null (`$-1`, `*-1`; `type` says which). */
  isNull = false;
  /** SCALAR, BULK_PIECE: the payload is `chunk[start, end)` (a verbatim string's after `xxx:`). */
  chunk: Buffer = EMPTY;
  start = 0;
  end = 0;
  /** SCALAR integer: its value as a Number (exact up to 15 digits). */
  intValue = 0;
  /** AGGREGATE: elements (pairs for a map). */
  count = 0;
  /** BULK_START: declared length. */
  length = 0;
  /** SCALAR, AGGREGATE, BULK_START: the attributes that annotate this item. */
  attributes: RespMapEntries | undefined = undefined;
  /** The attributes of the streamed bulk string in progress (kept until its BULK_END). */
  bulkAttributes: RespMapEntries | undefined = undefined;

  // ---- input ---------------------------------------------------------------------------------------
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
  /** Line wait: the bytes so far end with `\r`, so the next byte must be `\n`. */
  private lineCR = false;

  // ---- structure -----------------------------------------------------------------------------------
  /** Elements still expected by each open aggregate (a map counts keys and values), and its type. */
  private readonly remaining: number[] = [];
  private readonly types: number[] = [];
  /** The innermost aggregate has no element left: the next event is its END. */
  private endDue = false;
  /** Streamed bulk string: bytes of payload still to pass on (-1: none in progress). */
  private bulkLeft = -1;
  /** Bytes of its `\r\n` terminator already checked. */
  private bulkTerminator = 0;

  private readonly builder = new ValueBuilder();
  private readonly attributeBuilds: AttributeBuild[] = [];
  /** Attributes read, waiting for the item they annotate. */
  private pendingAttributes: RespMapEntries | undefined = undefined;
  private failure: ProtocolError | undefined = undefined;

  constructor(opts?: RespDecoderOptions) {
    this.maxBulkLength = opts?.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
    this.maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.streamBulkOver = opts?.streamBulkOver ?? DEFAULT_STREAM_BULK_OVER;
  }

  /** Bytes received but not yet decoded (items of an unfinished aggregate already decoded are not counted). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  /** Open aggregates around the current event (0 after a SCALAR, END or BULK_END: a reply is complete). */
  get depth(): number {
    return this.remaining.length;
  }

  /** `next()` has part of a reply: call it again before switching to `read()`. */
  get isBuilding(): boolean {
    return this.builder.isBuilding;
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
    if (
      this.remaining.length === 0 &&
      this.waitNeed === 0 &&
      this.bulkLeft < 0 &&
      this.pos < this.buf.length &&
      this.attributeBuilds.length === 0 &&
      this.pendingAttributes === undefined &&
      this.failure === undefined &&
      !this.builder.isBuilding &&
      FAST_TYPES[this.buf[this.pos]!] === 1
    ) {
      // between replies, nothing pending, a `+`, `:` or `$` atom: read straight away (what `read()`
      // would do, minus its bookkeeping); a scalar is returned at once
      const event = this.parseAtom();
      this.event = event;
      this.attributes = undefined;
      if (event === SCALAR) return this.scalarValue();
      if (event === BULK_START) {
        this.bulkAttributes = undefined;
        this.builder.add(this, event); // a streamed bulk string opens: the loop below gathers it
      }
    }
    for (;;) {
      const event = this.read();
      // the common reply, a top-level scalar: no builder
      if (event === SCALAR && this.remaining.length === 0 && !this.builder.isBuilding) return this.scalarValue();
      if (event === NONE) return undefined;
      const value = this.builder.add(this, event);
      if (value !== undefined) return value;
    }
  }

  /**
   * The value that starts with the event just read, for a caller that streams some replies and not
   * others (a push met where a streamed reply was expected). `undefined`: call `next()` for the rest.
   */
  adopt(): RespValue | undefined {
    return this.builder.add(this, this.event);
  }

  /**
   * The next event (see RESP_EVENT). Attributes never appear as events: they are read whole and
   * handed over in `attributes` with the item they annotate.
   */
  read(): number {
    if (this.failure !== undefined) throw this.failure;
    for (;;) {
      const event = this.step();
      if (event === NONE) return (this.event = NONE);
      if (this.attributeBuilds.length === 0 && this.pendingAttributes === undefined && !(event === AGGREGATE && this.type === RESP_TYPE.ATTRIBUTE)) {
        // the common case, no attribute anywhere: what the general path below does, minus its checks
        this.attributes = undefined;
        if (event === BULK_START) this.bulkAttributes = undefined;
        return (this.event = event);
      }
      if (event === AGGREGATE && this.type === RESP_TYPE.ATTRIBUTE) {
        this.attributeBuilds.push({ builder: new ValueBuilder(), outer: this.pendingAttributes });
        this.pendingAttributes = undefined;
      }
      if (event === SCALAR || event === AGGREGATE || event === BULK_START) {
        this.attributes = this.pendingAttributes;
        this.pendingAttributes = undefined;
        if (event === BULK_START) this.bulkAttributes = this.attributes;
      } else {
        this.attributes = undefined;
      }
      const build = this.attributeBuilds[this.attributeBuilds.length - 1];
      if (build !== undefined) {
        const done = build.builder.add(this, event);
        if (done !== undefined && done.kind === 'map') {
          // an attribute ended: it annotates the next item and is not an item of its parent
          this.attributeBuilds.pop();
          this.pendingAttributes = build.outer === undefined ? done.entries : build.outer.concat(done.entries);
        }
        continue;
      }
      return (this.event = event);
    }
  }

  /** The current SCALAR event as a value. */
  scalarValue(): RespValue {
    const { chunk, start, end, type } = this;
    let value: RespValue;
    switch (type) {
      case RESP_TYPE.BULK_STRING:
        value = this.isNull ? { kind: 'null', from: 'bulk' } : new BulkReply(chunk, start, end);
        break;
      case RESP_TYPE.ARRAY:
        value = { kind: 'null', from: 'array' };
        break;
      case RESP_TYPE.SIMPLE_STRING:
        // `+OK`, the reply of most writes, is one shared value (never changed: values are read-only)
        if (end - start === 2 && chunk[start] === 0x4f && chunk[start + 1] === 0x4b && this.attributes === undefined) return OK_REPLY;
        value = { kind: 'simple', value: chunk.subarray(start, end) };
        break;
      case RESP_TYPE.SIMPLE_ERROR:
        value = { kind: 'error', value: chunk.subarray(start, end) };
        break;
      case RESP_TYPE.BULK_ERROR:
        value = { kind: 'error', value: chunk.subarray(start, end), blob: true };
        break;
      case RESP_TYPE.VERBATIM_STRING:
        value = { kind: 'verbatim', format: chunk.toString('latin1', start - 4, start - 1), value: chunk.subarray(start, end) };
        break;
      case RESP_TYPE.INTEGER:
        // short text is exact as a Number; longer text goes through BigInt to keep all 64 bits
        value = new IntegerReply(end - start <= MAX_FAST_DIGITS ? this.intValue : BigInt(chunk.toString('latin1', start, end)));
        break;
      case RESP_TYPE.DOUBLE:
        value = { kind: 'double', text: chunk.toString('latin1', start, end) };
        break;
      case RESP_TYPE.NULL:
        value = { kind: 'null', from: 'null' };
        break;
      case RESP_TYPE.BOOLEAN:
        value = { kind: 'boolean', value: chunk[start] === 0x74 || chunk[start] === 0x54 };
        break;
      default:
        value = { kind: 'bignum', text: chunk.toString('latin1', start, end) };
        break;
    }
    if (this.attributes !== undefined) value.attributes = this.attributes;
    return value;
  }

  /** One event, attributes included (they are folded by `read()`). */
  private step(): number {
    if (this.endDue) return this.endAggregate();
    for (;;) {
      if (this.pos >= this.buf.length) {
        if (!this.shiftChunk()) return NONE;
      } else if (this.waitNeed !== 0) {
        if (!this.mergeAtom()) return NONE;
      }
      if (this.bulkLeft >= 0) {
        const event = this.bulkStep();
        if (event !== NONE) return event;
        continue;
      }
      // NONE: the atom is incomplete and its wait is recorded; the loop tries the queued chunks
      const event = this.parseAtom();
      if (event !== NONE) return event;
    }
  }

  private endAggregate(): number {
    this.remaining.pop();
    this.type = this.types.pop()!;
    this.endDue = false;
    // an attribute is not an element of its parent
    if (this.type !== RESP_TYPE.ATTRIBUTE) this.itemDone();
    return END;
  }

  /** An element of the innermost aggregate is complete. */
  private itemDone(): void {
    const n = this.remaining.length;
    if (n !== 0 && --this.remaining[n - 1]! === 0) this.endDue = true;
  }

  /** Pass on the bytes of a streamed bulk string that are in `buf`; NONE when `buf` is used up. */
  private bulkStep(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (this.bulkLeft > 0) {
      const n = Math.min(this.bulkLeft, buf.length - pos);
      this.chunk = buf;
      this.start = pos;
      this.end = pos + n;
      this.bulkLeft -= n;
      this.pos = pos + n;
      return BULK_PIECE;
    }
    // the terminator, possibly split across chunks
    while (this.bulkTerminator < 2) {
      if (pos >= buf.length) {
        this.pos = pos;
        return NONE;
      }
      if (buf[pos] !== (this.bulkTerminator === 0 ? CR : LF)) this.fail(MSG.badBulkTerminator);
      pos++;
      this.bulkTerminator++;
    }
    this.pos = pos;
    this.bulkLeft = -1;
    this.type = RESP_TYPE.BULK_STRING;
    this.itemDone();
    return BULK_END;
  }

  /**
   * Decode the atom at `pos`: an event, or NONE with the wait state recorded. The common atoms (a bulk
   * string, an integer or a `+` line wholly in `buf`) are read in one pass by a fast path; anything
   * else, including every invalid or incomplete atom, goes to `parseAtomGeneral`, which has the last word.
   */
  private parseAtom(): number {
    const buf = this.buf;
    const start = this.pos;
    const type = buf[start]!;
    if (type === RESP_TYPE.BULK_STRING) return this.parseBulkFast(buf, start);
    if (type === RESP_TYPE.INTEGER) return this.parseIntegerFast(buf, start);
    if (type === RESP_TYPE.SIMPLE_STRING) return this.parseSimpleFast(buf, start);
    return this.parseAtomGeneral();
  }

  /** `+`, a line without `\r` or `\n`, `\r\n`, all in `buf` (most are `+OK`). */
  private parseSimpleFast(buf: Buffer, start: number): number {
    const end = buf.length;
    const stop = Math.min(end, start + 33);
    let i = start + 1;
    for (; i < stop; i++) {
      const c = buf[i]!;
      if (c === CR || c === LF) break;
    }
    if (i + 1 >= end || buf[i] !== CR || buf[i + 1] !== LF) return this.parseAtomGeneral();
    return this.scalarAt(RESP_TYPE.SIMPLE_STRING, buf, start + 1, i, i + 2);
  }

  /** `$`, 1–9 digits without a leading zero, `\r\n`, payload, `\r\n`, held whole, all in `buf`. */
  private parseBulkFast(buf: Buffer, start: number): number {
    const end = buf.length;
    const stop = Math.min(end, start + 10);
    let i = start + 1;
    let len = 0;
    for (; i < stop; i++) {
      const d = buf[i]! - DIGIT_0;
      if (d < 0 || d > 9) break;
      len = len * 10 + d;
    }
    const dataStart = i + 2;
    const dataEnd = dataStart + len;
    if (
      i === start + 1 ||
      buf[start + 1] === DIGIT_0 ||
      dataEnd + 2 > end ||
      buf[i] !== CR ||
      buf[i + 1] !== LF ||
      len >= this.streamBulkOver ||
      len > this.maxBulkLength
    ) {
      return this.parseAtomGeneral();
    }
    if (buf[dataEnd] !== CR || buf[dataEnd + 1] !== LF) this.fail(MSG.badBulkTerminator);
    return this.scalarAt(RESP_TYPE.BULK_STRING, buf, dataStart, dataEnd, dataEnd + 2);
  }

  /** `:`, `-`?, 1–15 digits without a leading zero, `\r\n`, all in `buf` (exact as a Number). */
  private parseIntegerFast(buf: Buffer, start: number): number {
    const end = buf.length;
    let i = start + 1;
    const negative = i < end && buf[i] === MINUS;
    if (negative) i++;
    const digitsStart = i;
    const stop = Math.min(end, i + MAX_FAST_DIGITS);
    let n = 0;
    for (; i < stop; i++) {
      const d = buf[i]! - DIGIT_0;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === digitsStart || buf[digitsStart] === DIGIT_0 || i + 1 >= end || buf[i] !== CR || buf[i + 1] !== LF) {
      return this.parseAtomGeneral();
    }
    this.intValue = negative ? -n : n;
    return this.scalarAt(RESP_TYPE.INTEGER, buf, start + 1, i, i + 2);
  }

  /** A fast path's SCALAR: payload `buf[start, end)`, the next atom at `next`. */
  private scalarAt(type: number, buf: Buffer, start: number, end: number, next: number): number {
    this.type = type;
    this.chunk = buf;
    this.start = start;
    this.end = end;
    this.isNull = false;
    this.pos = next;
    this.itemDone();
    return SCALAR;
  }

  /** Every atom, checked as hiredis does. */
  private parseAtomGeneral(): number {
    const buf = this.buf;
    const end = buf.length;
    const start = this.pos;
    const type = buf[start]!;
    this.type = type;

    if (type === RESP_TYPE.BULK_STRING || type === RESP_TYPE.VERBATIM_STRING || type === RESP_TYPE.BULK_ERROR) {
      const cr = findCR(buf, start + 1, end);
      if (cr === -1 || cr + 1 >= end) return this.waitLine(start, type, cr);
      if (buf[cr + 1] !== LF) this.fail(MSG.badBulkLength);
      const len = parseDecimal(buf, start + 1, cr);
      if (len !== len) this.fail(MSG.badBulkLength); // NaN
      if (len < -1) this.fail(MSG.bulkOutOfRange);
      if (len === -1) {
        this.pos = cr + 2; // skip \r\n
        this.isNull = true;
        this.itemDone();
        return SCALAR;
      }
      if (type === RESP_TYPE.BULK_STRING && len >= this.streamBulkOver) {
        // streamed: no cap but what a Number counts exactly
        if (len > Number.MAX_SAFE_INTEGER) this.fail(MSG.bulkOutOfRange);
        this.consumedTo(cr + 2); // skip \r\n
        this.length = len;
        this.bulkLeft = len;
        this.bulkTerminator = 0;
        return BULK_START;
      }
      if (len > this.maxBulkLength) this.fail(MSG.bulkOutOfRange);
      const dataStart = cr + 2; // skip \r\n
      const dataEnd = dataStart + len;
      if (dataEnd + 2 > end) return this.waitBytes(start, type, dataEnd + 2 - start);
      if (buf[dataEnd] !== CR || buf[dataEnd + 1] !== LF) this.fail(MSG.badBulkTerminator);
      // `=<len>\r\nfmt:<text>\r\n`: hiredis checks only that byte 3 is ':'
      if (type === RESP_TYPE.VERBATIM_STRING && (len < 4 || buf[dataStart + 3] !== 0x3a)) this.fail(MSG.badVerbatim);
      this.chunk = buf;
      this.start = type === RESP_TYPE.VERBATIM_STRING ? dataStart + 4 : dataStart;
      this.end = dataEnd;
      this.isNull = false;
      this.consumedTo(dataEnd + 2); // skip \r\n
      this.itemDone();
      return SCALAR;
    }

    if (
      type === RESP_TYPE.ARRAY ||
      type === RESP_TYPE.MAP ||
      type === RESP_TYPE.SET ||
      type === RESP_TYPE.PUSH ||
      type === RESP_TYPE.ATTRIBUTE
    ) {
      if (this.remaining.length >= this.maxDepth) this.fail(MSG.maxDepth);
      const cr = findCR(buf, start + 1, end);
      if (cr === -1 || cr + 1 >= end) return this.waitLine(start, type, cr);
      if (buf[cr + 1] !== LF) this.fail(MSG.badMultiBulkLength);
      const count = parseDecimal(buf, start + 1, cr);
      if (count !== count) this.fail(MSG.badMultiBulkLength); // NaN
      if (count < -1 || count > MAX_AGGREGATE_COUNT || (count === -1 && type === RESP_TYPE.ATTRIBUTE)) {
        this.fail(MSG.multiBulkOutOfRange);
      }
      this.consumedTo(cr + 2); // skip \r\n
      if (count === -1) {
        this.type = RESP_TYPE.ARRAY; // `*-1`, and hiredis reads `%-1` `~-1` `>-1` as the same nil
        this.isNull = true;
        this.itemDone();
        return SCALAR;
      }
      this.count = count;
      const elements = type === RESP_TYPE.MAP || type === RESP_TYPE.ATTRIBUTE ? count * 2 : count;
      this.remaining.push(elements);
      this.types.push(type);
      if (elements === 0) this.endDue = true;
      return AGGREGATE;
    }

    // line types: + - : , _ # (
    if (LINE_TYPES[type] === 0) this.fail(`Protocol error, got ${reprByte(type)} as reply type byte`);
    const cr = findCR(buf, start + 1, end);
    if (cr === -1 || cr + 1 >= end) return this.waitLine(start, type, cr);
    const s = start + 1;
    switch (type) {
      case RESP_TYPE.SIMPLE_STRING:
      case RESP_TYPE.SIMPLE_ERROR: {
        // no \n before the \r\n (a short line: a loop beats a native indexOf call)
        if (buf[cr + 1] !== LF) this.fail(MSG.badSimple);
        for (let i = s; i < cr; i++) if (buf[i] === LF) this.fail(MSG.badSimple);
        break;
      }
      case RESP_TYPE.INTEGER: {
        if (buf[cr + 1] !== LF) this.fail(MSG.badInteger);
        const n = parseDecimal(buf, s, cr);
        if (n !== n) this.fail(MSG.badInteger); // NaN
        this.intValue = n;
        break;
      }
      case RESP_TYPE.DOUBLE:
        if (cr - s > MAX_DOUBLE_TEXT) this.fail(MSG.doubleTooLarge);
        if (buf[cr + 1] !== LF || !isDoubleText(buf.toString('latin1', s, cr))) this.fail(MSG.badDouble);
        break;
      case RESP_TYPE.NULL:
        if (cr !== s || buf[cr + 1] !== LF) this.fail(MSG.badNil);
        break;
      case RESP_TYPE.BOOLEAN: {
        const c = buf[s];
        if (cr - s !== 1 || buf[cr + 1] !== LF || (c !== 0x74 && c !== 0x54 && c !== 0x66 && c !== 0x46)) {
          this.fail(MSG.badBool); // only t T f F
        }
        break;
      }
      default:
        // RESP_TYPE.BIG_NUMBER, the last of LINE_TYPES
        if (buf[cr + 1] !== LF || !isBignumText(buf, s, cr)) this.fail(MSG.badBignum);
        break;
    }
    this.chunk = buf;
    this.start = s;
    this.end = cr;
    this.isNull = false;
    this.consumedTo(cr + 2); // skip \r\n
    this.itemDone();
    return SCALAR;
  }

  private consumedTo(pos: number): void {
    this.pos = pos;
  }

  /** The current chunk is used up: move to the next queued one. */
  private shiftChunk(): boolean {
    const pending = this.pending;
    if (this.head === pending.length) {
      this.buf = EMPTY; // let the chunk go once nothing refers to it
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
  private waitLine(start: number, type: number, cr: number): number {
    const buf = this.buf;
    const contentStart = start + 1;
    // a `\r` not followed by `\n` makes every line type invalid; here only the last byte may be `\r`
    if (buf.indexOf(LF, contentStart) !== -1) this.fail(lineError(type));
    const length = (cr === -1 ? buf.length : cr) - contentStart;
    this.checkLineLength(type, length);
    this.pos = start;
    this.waitNeed = -1;
    this.waitType = type;
    this.scanned = this.head;
    this.scannedBytes = 0;
    this.lineCR = cr !== -1; // here only the last byte may be `\r`
    return NONE;
  }

  /** A bulk atom at `start` needs `need` bytes from `start`. */
  private waitBytes(start: number, type: number, need: number): number {
    this.pos = start;
    this.waitNeed = need;
    this.waitType = type;
    return NONE;
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
        const chunk = pending[i]!;
        const contentBefore = have - 1 + this.scannedBytes; // content bytes before this chunk
        if (this.lineCR) {
          // a `\r` must be followed by `\n`: fail now, as when the line arrives in one chunk
          if (chunk[0] !== LF) this.failLine(contentBefore - 1);
          lf = 0;
          break;
        }
        lf = chunk.indexOf(LF);
        const cr = chunk.indexOf(CR);
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          if (cr + 1 === chunk.length) this.lineCR = true;
          else if (chunk[cr + 1] !== LF) this.failLine(contentBefore + cr);
        }
        if (lf !== -1) break;
        this.scannedBytes += chunk.length;
      }
      this.scanned = i;
      if (lf === -1) {
        // content length so far: less the type byte, and a trailing `\r` (the end of the line, if `\n` follows)
        this.checkLineLength(this.waitType, have - 1 + this.scannedBytes - (this.lineCR ? 1 : 0));
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

  /** A line whose first `\r` (after `length` content bytes) is not followed by `\n`. */
  private failLine(length: number): never {
    this.checkLineLength(this.waitType, length);
    return this.fail(lineError(this.waitType));
  }

  /** Record a sticky protocol error, drop the buffered bytes and throw. For the decoder's builders. */
  fail(message: string, hint?: string): never {
    const error = new ProtocolError(message, hint);
    this.failure = error;
    this.buf = EMPTY;
    this.pos = 0;
    this.pending = [];
    this.head = 0;
    this.pendingBytes = 0;
    this.waitNeed = 0;
    this.remaining.length = 0;
    this.types.length = 0;
    this.endDue = false;
    this.bulkLeft = -1;
    this.builder.reset();
    this.attributeBuilds.length = 0;
    this.pendingAttributes = undefined;
    this.attributes = undefined;
    this.bulkAttributes = undefined;
    this.chunk = EMPTY;
    throw error;
  }
}

/** `buf.indexOf(CR, from)`: a plain loop over the first bytes first, as headers and short lines are most lines. */
function findCR(buf: Buffer, from: number, end: number): number {
  const stop = Math.min(end, from + 32);
  for (let i = from; i < stop; i++) if (buf[i] === CR) return i;
  return stop === end ? -1 : buf.indexOf(CR, stop);
}

/** Why a bulk string the server may rightly send was refused: it would have been held whole. */
function wholeBulkHint(length: number, max: number): string {
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  return `a reply of ${mib(length)} had to be held whole (over ${mib(max)}); run the command on its own, as \`tredis-cli COMMAND …\`, to stream it to stdout`;
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
