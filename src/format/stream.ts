/**
 * Streaming reply formatter: prints a reply while it decodes, element by element, from the events of
 * `RespDecoder.read()`, in every output mode. It writes exactly the bytes of `formatReply` (the golden
 * rows check both), so it mirrors the same redis-cli 7.0.15 functions: `cliFormatReplyTTY`
 * (numbering, nesting, `cliIsMultilineValueTTY`), `cliFormatReplyRaw`, `cliFormatReplyCSV` and
 * `cliFormatReplyJson`, see `tty.ts`, `raw.ts`, `csv.ts`, `json.ts`.
 *
 * Nothing but the path of open aggregates is kept (an explicit stack, one frame per level): the
 * element count is in each aggregate's header, which is all the TTY index width needs. A bulk string
 * streamed in pieces is quoted piece by piece. Two things are still built whole, both small in
 * practice: attributes (printed before their value in TTY, omitted elsewhere), and nothing else; a
 * JSON map key that is not a string is wrapped in quotes as it streams, and a TTY map value whose
 * line break depends on what follows is held in the output buffer until that is known.
 */
import type { RespDecoder } from '../resp/decoder.js';
import { RESP_EVENT } from '../resp/decoder.js';
import { RESP_TYPE } from '../resp/value.js';
import type { FormatOptions } from './options.js';
import { JSON_TABLE, QUOTED_JSON, REPR, type EscapeTable } from './repr.js';
import { ByteSink, delimiterBytes } from './sink.js';
import { EMPTY_WORD, INDEX_SEP, indexWidth, writeAttributes } from './tty.js';
import type { BatchWriter } from './writer.js';

const { NONE, SCALAR, AGGREGATE, END, BULK_START, BULK_PIECE, BULK_END } = RESP_EVENT;

const enum Mode {
  Raw,
  Tty,
  Csv,
  Json,
}

const QUOTE = 0x22; // "
const NEWLINE = 0x0a; // \n

/** One open aggregate. */
class Frame {
  /** Elements begun so far (a map counts keys and values). */
  index = 0;
  /** TTY: `%*d` width of the indexes, and the prefix of continuation lines of the elements. */
  width = 0;
  childPrefix = '';
  /**
   * TTY: this one-element aggregate decides whether held map values start on a new line: the text to
   * insert for each open hold, outermost first.
   */
  examine: string[] | undefined = undefined;
  /** JSON: the key being written was opened with a quote (it is not a string). */
  keyQuoted = false;

  constructor(
    readonly type: number,
    readonly count: number,
    /** Position in the parent (-1 at the top). */
    readonly pos: number,
    /** TTY: prefix of this aggregate's own continuation lines. */
    readonly prefix: string,
  ) {}
}

function isMap(type: number): boolean {
  return type === RESP_TYPE.MAP;
}

/** The word of an empty aggregate and the index separator, by RESP type (`tty.ts` tables). */
function ttyKind(type: number): 'array' | 'set' | 'push' | 'map' {
  return type === RESP_TYPE.SET ? 'set' : type === RESP_TYPE.PUSH ? 'push' : type === RESP_TYPE.MAP ? 'map' : 'array';
}

/** Streams one reply (create one per reply). */
export class ReplyFormatter {
  private readonly mode: Mode;
  private readonly quote: EscapeTable;
  private readonly mbDelim: Buffer;
  private readonly cmdDelim: Buffer | undefined;
  private readonly stack: Frame[] = [];
  /** Position in its parent of the streamed bulk string in progress. */
  private bulkPos = -1;

  constructor(
    private readonly out: BatchWriter,
    opts: FormatOptions,
    /** The forced raw form of INFO and friends (`isForcedRawCommand`): raw, no `-D` after it. */
    verbatim = false,
  ) {
    const mode = verbatim ? 'raw' : opts.mode;
    this.mode = mode === 'raw' ? Mode.Raw : mode === 'tty' ? Mode.Tty : mode === 'csv' ? Mode.Csv : Mode.Json;
    this.quote = mode === 'quoted-json' ? QUOTED_JSON : mode === 'json' ? JSON_TABLE : REPR;
    this.mbDelim = delimiterBytes(opts.mbDelim);
    this.cmdDelim = verbatim ? undefined : delimiterBytes(opts.cmdDelim);
  }

  /**
   * Formats the decoder's current event and those after it, until the reply is complete (true: its
   * last byte is written to the writer, not flushed) or the decoder needs more bytes (false).
   */
  take(d: RespDecoder): boolean {
    for (let e = d.event; e !== NONE; e = d.read()) {
      switch (e) {
        case SCALAR: {
          const pos = this.begin(d, -1);
          this.scalar(d);
          this.finish(pos);
          break;
        }
        case AGGREGATE: {
          const pos = this.begin(d, d.count);
          this.open(d, pos);
          break;
        }
        case END: {
          const frame = this.stack.pop()!;
          this.close(frame);
          this.finish(frame.pos);
          break;
        }
        case BULK_START:
          this.bulkPos = this.begin(d, -1);
          this.bulkStart();
          break;
        case BULK_PIECE:
          if (this.mode === Mode.Raw) this.out.bytes(d.chunk, d.start, d.end);
          else this.out.escaped(d.chunk, d.start, d.end, this.quote);
          break;
        case BULK_END:
          if (this.mode !== Mode.Raw) this.out.byte(QUOTE);
          if (this.mode === Mode.Tty) this.out.byte(NEWLINE);
          this.finish(this.bulkPos);
          break;
      }
      if (this.stack.length === 0 && (e === SCALAR || e === END || e === BULK_END)) {
        this.endReply();
        return true;
      }
    }
    return false;
  }

  /**
   * An item starts in the innermost aggregate: write what comes before it and return its position.
   * `count` is the element count of an aggregate item, -1 for anything else.
   */
  private begin(d: RespDecoder, count: number): number {
    const parent = this.stack[this.stack.length - 1];
    const out = this.out;
    if (parent === undefined) {
      if (this.mode === Mode.Tty) this.attributes(d, '');
      return -1;
    }
    const pos = parent.index++;
    const inMap = isMap(parent.type);
    switch (this.mode) {
      case Mode.Raw:
        if (pos > 0) {
          if (inMap && pos % 2 === 1) out.byte(0x20); // ' ' between key and value
          else if (this.mbDelim.length === 1) out.byte(this.mbDelim[0]!);
          else out.bytes(this.mbDelim, 0, this.mbDelim.length);
        }
        break;
      case Mode.Csv:
        if (pos > 0) out.byte(0x2c); // ,
        break;
      case Mode.Json:
        if (pos > 0) out.byte(inMap && pos % 2 === 1 ? 0x3a : 0x2c); // : between key and value, else ,
        if (inMap && pos % 2 === 0) {
          // mirrors the key branch of cliFormatReplyJson: a key that is not a string is quoted
          parent.keyQuoted = !isJsonString(d);
          if (parent.keyQuoted) out.byte(QUOTE);
        }
        break;
      case Mode.Tty: {
        let passed = parent.examine === undefined ? undefined : this.decideMultiline(parent, pos, count);
        if (!inMap) {
          if (pos > 0) out.ascii(parent.prefix);
          out.padded(pos + 1, parent.width);
          out.ascii(INDEX_SEP[ttyKind(parent.type)]);
          out.byte(0x20);
        } else if (pos % 2 === 0) {
          if (pos > 0) out.ascii(parent.prefix);
          out.padded(pos / 2 + 1, parent.width);
          out.ascii('# ');
        } else if (count > 1) {
          // mirrors cliIsMultilineValueTTY: more than one element is more than one line
          out.byte(NEWLINE);
          out.ascii(parent.childPrefix);
        } else if (count === 1) {
          out.hold(); // one element: it depends on that element (see decideMultiline)
          (passed ??= []).push('\n' + parent.childPrefix);
        }
        this.pendingExamine = passed;
        this.attributes(d, parent.childPrefix);
        break;
      }
    }
    return pos;
  }

  /** TTY: set by `begin` for the one-element aggregate opened next. */
  private pendingExamine: string[] | undefined = undefined;

  /**
   * TTY: `parent` is a held one-element aggregate; its element (a map's value) at `pos` settles
   * whether the held map value starts on a new line: yes if it has more than one element, no if it
   * is a scalar or empty, and a one-element aggregate passes the question on.
   */
  private decideMultiline(parent: Frame, pos: number, count: number): string[] | undefined {
    if (isMap(parent.type) && pos === 0) return undefined; // cliIsMultilineValueTTY looks at a map's value, not its key
    const texts = parent.examine!;
    parent.examine = undefined;
    if (count === 1) return texts;
    // holds nest: the innermost (last opened) is released first
    for (let i = texts.length - 1; i >= 0; i--) this.out.release(count > 1 ? texts[i] : undefined);
    return undefined;
  }

  /** An item at `pos` of the innermost aggregate is complete. */
  private finish(pos: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined || !isMap(parent.type) || pos % 2 !== 0) return;
    // a map key
    if (this.mode === Mode.Tty) {
      this.out.dropLastByte(); // sdsrange(out,0,-2): the key's trailing \n
      this.out.ascii(' => ');
    } else if (this.mode === Mode.Json && parent.keyQuoted) {
      this.out.byte(QUOTE);
    }
  }

  private open(d: RespDecoder, pos: number): void {
    const parent = this.stack[this.stack.length - 1];
    const prefix = parent === undefined ? '' : parent.childPrefix;
    const frame = new Frame(d.type, d.count, pos, prefix);
    this.stack.push(frame);
    switch (this.mode) {
      case Mode.Json:
        this.out.byte(isMap(d.type) ? 0x7b : 0x5b); // { or [
        break;
      case Mode.Tty:
        if (this.pendingExamine !== undefined) {
          frame.examine = this.pendingExamine;
          this.pendingExamine = undefined;
        }
        if (d.count === 0) {
          this.out.ascii(EMPTY_WORD[ttyKind(d.type)]);
        } else {
          frame.width = indexWidth(d.count);
          frame.childPrefix = prefix + ' '.repeat(frame.width + 2);
        }
        break;
      default:
        break;
    }
  }

  private close(frame: Frame): void {
    if (this.mode === Mode.Json) this.out.byte(isMap(frame.type) ? 0x7d : 0x5d); // } or ]
  }

  private bulkStart(): void {
    if (this.mode !== Mode.Raw) this.out.byte(QUOTE);
  }

  /** One scalar, as the mode's formatter writes it. */
  private scalar(d: RespDecoder): void {
    const out = this.out;
    const { chunk, start, end, type } = d;
    const isNull = type === RESP_TYPE.NULL || d.isNull;
    switch (this.mode) {
      case Mode.Raw:
        // mirrors cliFormatReplyRaw
        if (isNull) return;
        if (type === RESP_TYPE.BOOLEAN) out.ascii(chunk[start] === 0x74 || chunk[start] === 0x54 ? '(true)' : '(false)');
        else out.bytes(chunk, start, end);
        if (type === RESP_TYPE.SIMPLE_ERROR || type === RESP_TYPE.BULK_ERROR) out.byte(NEWLINE);
        return;
      case Mode.Csv:
      case Mode.Json: {
        // mirrors cliFormatReplyCSV and cliFormatReplyJson: the same shape, other words
        const csv = this.mode === Mode.Csv;
        if (isNull) out.ascii(csv ? 'NULL' : 'null');
        else if (type === RESP_TYPE.BOOLEAN) out.ascii(chunk[start] === 0x74 || chunk[start] === 0x54 ? 'true' : 'false');
        else if (type === RESP_TYPE.SIMPLE_ERROR || type === RESP_TYPE.BULK_ERROR) {
          out.ascii(csv ? 'ERROR,' : 'error:');
          this.quoted(chunk, start, cEnd(chunk, start, end));
        } else if (type === RESP_TYPE.SIMPLE_STRING || type === RESP_TYPE.BULK_STRING || type === RESP_TYPE.VERBATIM_STRING) {
          this.quoted(chunk, start, end);
        } else out.bytes(chunk, start, end); // integer, double, big number: the wire text
        return;
      }
      case Mode.Tty:
        // mirrors cliFormatReplyTTY
        switch (type) {
          case RESP_TYPE.SIMPLE_ERROR:
          case RESP_TYPE.BULK_ERROR:
            out.ascii('(error) ');
            out.bytes(chunk, start, cEnd(chunk, start, end));
            break;
          case RESP_TYPE.SIMPLE_STRING:
            out.bytes(chunk, start, cEnd(chunk, start, end));
            break;
          case RESP_TYPE.INTEGER:
            out.ascii('(integer) ');
            out.bytes(chunk, start, end);
            break;
          case RESP_TYPE.DOUBLE:
            out.ascii('(double) ');
            out.bytes(chunk, start, end);
            break;
          case RESP_TYPE.VERBATIM_STRING:
            out.bytes(chunk, start, end); // printed as is, without quotes
            break;
          case RESP_TYPE.BOOLEAN:
            out.ascii(chunk[start] === 0x74 || chunk[start] === 0x54 ? '(true)' : '(false)');
            break;
          case RESP_TYPE.BIG_NUMBER:
            out.ascii('(big number) '); // ours: redis-cli 7.0.15 exits
            out.bytes(chunk, start, end);
            break;
          default:
            if (isNull) out.ascii('(nil)');
            else this.quoted(chunk, start, end); // a bulk string
            break;
        }
        out.byte(NEWLINE);
        return;
    }
  }

  private quoted(chunk: Buffer, start: number, end: number): void {
    this.out.byte(QUOTE);
    this.out.escaped(chunk, start, end, this.quote);
    this.out.byte(QUOTE);
  }

  /** TTY: attributes of the item about to be written, as `writeAttributes` lays them out. */
  private attributes(d: RespDecoder, prefix: string): void {
    const attributes = d.attributes;
    if (attributes === undefined || attributes.length === 0) return;
    const sink = new ByteSink();
    writeAttributes(sink, attributes, prefix);
    for (const part of sink.toChunks()) this.out.bytes(part, 0, part.length);
  }

  private endReply(): void {
    switch (this.mode) {
      case Mode.Raw:
        if (this.cmdDelim !== undefined) this.out.bytes(this.cmdDelim, 0, this.cmdDelim.length);
        break;
      case Mode.Csv:
      case Mode.Json:
        this.out.byte(NEWLINE);
        break;
      default:
        break;
    }
  }
}

/** End of the C string in `chunk[start, end)`: what `%s` / `strlen` see (a NUL byte ends it). */
function cEnd(chunk: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) if (chunk[i] === 0) return i;
  return end;
}

/** JSON: an item written as a quoted string (error, status, bulk or verbatim string). */
function isJsonString(d: RespDecoder): boolean {
  if (d.event === BULK_START) return true;
  if (d.event !== SCALAR) return false;
  const t = d.type;
  return (
    t === RESP_TYPE.SIMPLE_STRING ||
    t === RESP_TYPE.SIMPLE_ERROR ||
    t === RESP_TYPE.BULK_ERROR ||
    t === RESP_TYPE.VERBATIM_STRING ||
    (t === RESP_TYPE.BULK_STRING && !d.isNull)
  );
}
