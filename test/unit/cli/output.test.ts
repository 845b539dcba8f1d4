import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamSink } from '../../../src/cli/output.js';

/** A stdout stand-in that records each write as it was handed over. */
function recorder(): { stream: Writable; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk);
      cb();
    },
  });
  return { stream, writes };
}

describe('StreamSink', () => {
  it('joins small pieces into one write', async () => {
    const { stream, writes } = recorder();
    const sink = new StreamSink(stream);
    for (let i = 0; i < 100; i++) sink.write(`line ${i}\n`);
    await sink.flush();
    expect(writes.length).toBe(1);
    expect(writes[0]!.toString()).toBe(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('writes a large payload as it is (no copy), in order with the small pieces around it', async () => {
    const { stream, writes } = recorder();
    const sink = new StreamSink(stream);
    const big = Buffer.alloc(1 << 20, 0x78);
    sink.write('a\n');
    sink.write(big);
    sink.write('\n');
    await sink.flush();
    expect(writes.some((w) => w.buffer === big.buffer && w.byteOffset === big.byteOffset && w.length === big.length)).toBe(true);
    expect(Buffer.concat(writes).equals(Buffer.concat([Buffer.from('a\n'), big, Buffer.from('\n')]))).toBe(true);
  });
});
