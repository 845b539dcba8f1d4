// Fuzz properties of the RESP decoder (whole values vs the streaming path, formatter included) and of
// the line splitter (against a plain transcription of hiredis sdssplitargs). Run by `npm run fuzz`
// (many inputs, failures saved to test/fixtures/fuzz-regressions.json) and, briefly, by npm test,
// which also replays every saved input (test/unit/fuzz-replay.test.ts).
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import type { OutputMode } from '../../src/format/options.js';
import { formatReply } from '../../src/format/reply.js';
import { ReplyFormatter } from '../../src/format/stream.js';
import { BatchWriter } from '../../src/format/writer.js';
import { splitArgs } from '../../src/modes/split-line.js';
import { RESP_EVENT, RespDecoder, type RespDecoderOptions } from '../../src/resp/decoder.js';
import type { RespValue } from '../../src/resp/value.js';
import { decodeEvents } from '../unit/resp/events.js';
import { serializeValue } from '../unit/resp/serialize.js';
import { splitArgsReference } from './split-reference.js';
import { plainValue } from '../helpers/plain-value.js';

/** One fuzz input, as saved in the regressions file. */
export interface FuzzInput {
  property: 'decoder' | 'splitter';
  /** base64 of the bytes: RESP from a server, or one input line. */
  bytes: string;
  /** Seeds the cuts between fed chunks and the output mode. */
  seed: number;
  /** The decoder's streamBulkOver (bulk strings this long or longer arrive in pieces). */
  streamBulkOver: number;
}

const MODES: OutputMode[] = ['tty', 'raw', 'csv', 'json', 'quoted-json'];
/** Garbage may declare large lengths and counts: keep what a decoder may hold small. */
const LIMITS: RespDecoderOptions = { maxBulkLength: 1 << 16, maxDepth: 64 };

function cuts(input: Buffer, seed: number): Buffer[] {
  let a = seed >>> 0 || 1;
  const out: Buffer[] = [];
  for (let pos = 0; pos < input.length; ) {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    const n = 1 + ((a >>> 0) % 9);
    out.push(input.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

interface Outcome {
  values: RespValue[];
  error: string | undefined;
}

function settle(run: (values: RespValue[]) => void): Outcome {
  const values: RespValue[] = [];
  try {
    run(values);
    return { values, error: undefined };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err; // anything else is a bug
    return { values, error: err.message };
  }
}

/** Whole values from next(), fed in chunks. */
function wholeValues(chunks: Buffer[], opts: RespDecoderOptions): Outcome {
  return settle((values) => {
    const d = new RespDecoder(opts);
    for (const c of chunks) {
      d.feed(c);
      for (let v = d.next(); v !== undefined; v = d.next()) {
        values.push(plainValue(v));
        if (values.length > 10_000) throw new Error('more replies than bytes');
      }
    }
  });
}

/** The streaming formatter over read() events: one output per complete reply. */
function streamedOutputs(chunks: Buffer[], opts: RespDecoderOptions, mode: OutputMode, verbatim: boolean): Buffer[] {
  const outputs: Buffer[] = [];
  try {
    const d = new RespDecoder(opts);
    let parts: Buffer[] = [];
    let writer = new BatchWriter((b) => parts.push(Buffer.from(b)));
    let formatter: ReplyFormatter | undefined;
    for (const c of chunks) {
      d.feed(c);
      while (d.read() !== RESP_EVENT.NONE) {
        formatter ??= new ReplyFormatter(writer, { mode, mbDelim: '\n', cmdDelim: '\n' }, verbatim);
        if (!formatter.take(d)) break;
        writer.flush();
        outputs.push(Buffer.concat(parts));
        parts = [];
        writer = new BatchWriter((b) => parts.push(Buffer.from(b)));
        formatter = undefined;
      }
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
  return outputs;
}

/**
 * The decoder property: on any bytes, cut anywhere, next() and read() agree (the same replies, the
 * same protocol error or none), nothing but a ProtocolError escapes, and the streaming formatter
 * prints each complete reply with the bytes of formatReply on the whole value.
 */
export function checkDecoder(input: FuzzInput): void {
  const bytes = Buffer.from(input.bytes, 'base64');
  const opts = { ...LIMITS, streamBulkOver: input.streamBulkOver };
  const chunks = cuts(bytes, input.seed);
  const whole = wholeValues(chunks, opts);
  const wholeInOne = wholeValues([bytes], opts);
  expect(wholeInOne).toStrictEqual(whole);
  const streamed = settle((values) => void decodeEvents(chunks, opts, values, false));
  expect(streamed).toStrictEqual(whole);
  const mode = MODES[input.seed % MODES.length]!;
  const verbatim = input.seed % 7 === 0;
  const outputs = streamedOutputs(chunks, opts, mode, verbatim);
  expect(outputs.length).toBe(whole.values.length);
  for (let i = 0; i < outputs.length; i++) {
    expect(outputs[i]!.toString('latin1')).toBe(formatReply(whole.values[i]!, { mode, mbDelim: '\n', cmdDelim: '\n' }, verbatim).toString('latin1'));
  }
}

/** The splitter property: splitArgs gives what sdssplitargs gives (null for bad quoting), and never throws. */
export function checkSplitter(input: FuzzInput): void {
  const line = Buffer.from(input.bytes, 'base64');
  const ours = splitArgs(line);
  const ref = splitArgsReference(line);
  expect(ours?.map((b) => b.toString('latin1')) ?? null).toStrictEqual(ref?.map((b) => b.toString('latin1')) ?? null);
}

export function check(input: FuzzInput): void {
  if (input.property === 'decoder') checkDecoder(input);
  else checkSplitter(input);
}

// ---- inputs ---------------------------------------------------------------------------------------

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u));

const leafValue: fc.Arbitrary<RespValue> = fc.oneof(
  bytes(12).map((b): RespValue => ({ kind: 'bulk', value: b })),
  fc.string({ maxLength: 6 }).map((s): RespValue => ({ kind: 'simple', value: Buffer.from(s.replace(/[\r\n]/g, ''), 'latin1') })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n): RespValue => ({ kind: 'integer', value: n })),
  fc.constantFrom<RespValue>({ kind: 'null', from: 'bulk' }, { kind: 'null', from: 'null' }, { kind: 'boolean', value: true }, { kind: 'double', text: '1.5' }, { kind: 'error', value: Buffer.from('ERR x\0y') }),
);

const value: fc.Arbitrary<RespValue> = fc.letrec<{ v: RespValue }>((tie) => ({
  v: fc.oneof(
    { arbitrary: leafValue, weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom<'array' | 'set' | 'push'>('array', 'set', 'push'), fc.array(tie('v'), { maxLength: 4 })).map(([kind, items]): RespValue => ({ kind, items })), weight: 1 },
    { arbitrary: fc.array(fc.tuple(tie('v'), tie('v')), { maxLength: 3 }).map((entries): RespValue => ({ kind: 'map', entries })), weight: 1 },
    { arbitrary: fc.tuple(leafValue, tie('v')).map(([a, v]): RespValue => ({ ...v, attributes: [[{ kind: 'simple', value: Buffer.from('a') }, a]] })), weight: 1 },
  ),
})).v;

const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'insert', 'delete'),
  byte: fc.constantFrom(0x0d, 0x0a, 0x2a, 0x24, 0x25, 0x7c, 0x3e, 0x2d, 0x30, 0x31, 0x39, 0x00, 0xff, 0x3a, 0x5f),
});

/** Valid replies, some mutated, or plain garbage; cut and streamed in varied ways. */
export const decoderInput: fc.Arbitrary<FuzzInput> = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => Buffer.concat(vs.map(serializeValue))), weight: 3 },
      {
        arbitrary: fc.tuple(value, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => {
          const wire = [...serializeValue(v)];
          for (const { at, op, byte } of ms) {
            const i = wire.length === 0 ? 0 : at % wire.length;
            if (op === 'replace' && wire.length > 0) wire[i] = byte;
            else if (op === 'insert') wire.splice(i, 0, byte);
            else wire.splice(i, 1);
          }
          return Buffer.from(wire);
        }),
        weight: 3,
      },
      { arbitrary: bytes(64), weight: 1 },
    ),
    fc.nat(),
    fc.constantFrom(0, 1, 3, 8, 1 << 20),
  )
  .map(([b, seed, streamBulkOver]): FuzzInput => ({ property: 'decoder', bytes: b.toString('base64'), seed, streamBulkOver }));

/** Lines made mostly of the bytes that matter to the splitter. */
export const splitterInput: fc.Arbitrary<FuzzInput> = fc
  .array(
    fc.oneof(
      fc.constantFrom(0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0x22, 0x27, 0x5c, 0x78, 0x00, 0x6e, 0x41, 0x66, 0x30, 0xff, 0x80),
      fc.integer({ min: 0, max: 255 }),
    ),
    { maxLength: 40 },
  )
  .map((b): FuzzInput => ({ property: 'splitter', bytes: Buffer.from(b).toString('base64'), seed: 0, streamBulkOver: 0 }));
