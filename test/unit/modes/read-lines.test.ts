import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../../src/modes/stdin.js';

async function lines(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(Readable.from(chunks, { objectMode: false }))) out.push(l.toString('latin1'));
  return out;
}

/** linenoise without a terminal: split on \n, \r kept, a last line without \n counts, none after a final \n. */
function expected(text: string): string[] {
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

describe('readLines', () => {
  it.each([
    { name: 'empty input', chunks: [], out: [] },
    { name: 'one line', chunks: ['PING\n'], out: ['PING'] },
    { name: 'no final newline', chunks: ['PING\nECHO a'], out: ['PING', 'ECHO a'] },
    { name: '\\r kept', chunks: ['PING\r\n'], out: ['PING\r'] },
    { name: 'empty lines kept', chunks: ['\n\nPING\n'], out: ['', '', 'PING'] },
    { name: 'a line across three chunks', chunks: ['SET k a', 'bbb', 'c\nPING\n'], out: ['SET k abbbc', 'PING'] },
    { name: 'newline at a chunk start', chunks: ['ECHO a', '\nECHO b', '\n'], out: ['ECHO a', 'ECHO b'] },
  ])('$name', async ({ chunks, out }) => {
    expect(await lines(chunks.map((c) => Buffer.from(c, 'latin1')))).toEqual(out);
  });

  it('any input split anywhere gives the same lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', '"'), maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 8 }), async (text, cuts) => {
        const buf = Buffer.from(text, 'latin1');
        const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const c of [...at, buf.length]) {
          if (c > prev) chunks.push(buf.subarray(prev, c));
          prev = Math.max(prev, c);
        }
        expect(await lines(chunks)).toEqual(expected(text));
      }),
      { numRuns: 300 },
    );
  });

  it('a 64 MiB line in 64 KiB chunks comes out whole, in linear time', async () => {
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const chunks = Array.from({ length: size / chunk.length }, () => chunk);
    const t0 = performance.now();
    const out: Buffer[] = [];
    for await (const l of readLines(Readable.from([...chunks, Buffer.from('\nPING\n')]))) out.push(l);
    const ms = performance.now() - t0;
    expect(out.map((l) => l.length)).toEqual([size, 4]);
    // One copy of 64 MiB takes tens of ms; the quadratic version copied ~128 GiB (minutes).
    expect(ms).toBeLessThan(10_000);
  });
});
