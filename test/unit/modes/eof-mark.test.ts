import { describe, expect, it } from 'vitest';
import { EOF_MARK_SIZE, EofMarkSplitter } from '../../../src/modes/sync.js';

const MARK = Buffer.from('0123456789abcdef0123456789abcdef01234567');
const PAYLOAD = Buffer.from('REDIS0010' + 'x'.repeat(300) + '\xff12345678', 'latin1');
const AFTER = Buffer.from('*1\r\n$4\r\nPING\r\n');

/** Feeds `whole` in the given chunk sizes; returns payload and what came after the mark. */
function split(whole: Buffer, sizes: () => number): { payload: Buffer; rest: Buffer | undefined } {
  const s = new EofMarkSplitter(MARK);
  const out: Buffer[] = [];
  for (let i = 0; i < whole.length && s.rest === undefined; ) {
    const n = Math.min(sizes(), whole.length - i);
    out.push(...s.push(whole.subarray(i, i + n)));
    i += n;
  }
  return { payload: Buffer.concat(out), rest: s.rest };
}

describe('EofMarkSplitter (diskless payload end)', () => {
  expect(MARK.length).toBe(EOF_MARK_SIZE);
  const whole = Buffer.concat([PAYLOAD, MARK, AFTER]);
  let seed = 7;
  const random = () => 1 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 97);
  it.each([
    ['whole', () => whole.length],
    ['byte by byte', () => 1],
    ['in 39-byte pieces', () => 39],
    ['in 40-byte pieces', () => 40],
    ['in random pieces', random],
  ])('%s: the payload without the mark, and the bytes after it', (_n, sizes) => {
    const { payload, rest } = split(whole, sizes);
    expect(payload.equals(PAYLOAD)).toBe(true);
    // What follows the mark in the chunk that ended it (the rest of the stream comes after).
    expect(rest).toBeDefined();
    expect(AFTER.subarray(0, rest!.length).equals(rest!)).toBe(true);
  });
  it('a stream that ends before the mark yields no rest', () => {
    expect(split(PAYLOAD, () => 10).rest).toBeUndefined();
  });
});
