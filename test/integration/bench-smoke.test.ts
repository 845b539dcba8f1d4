// Smoke run of the benchmarks (`npm run bench -- --smoke`, `npm run bench -- decoder --smoke`): tiny
// sizes, one round, so a broken bench script shows up in `npm test`. Timing is never asserted here
// (that is `npm run bench`'s job); what is checked is that every row ran, the outputs of redis-cli,
// tredis-cli and the floor scripts were byte-identical, and the tables came out.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';

const BENCH = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

/** Rows of a markdown table whose first cell matches `first`, as arrays of trimmed cells. */
function tableRows(text: string, first: RegExp): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) => l.slice(2, -2).split(' | ').map((c) => c.trim()))
    .filter((cells) => first.test(cells[0]!));
}

describe('npm run bench (smoke)', () => {
  it('runs every scenario side by side with redis-cli, same bytes out, without checking targets', { timeout: 120_000 }, async () => {
    const r = await run(process.execPath, [BENCH, '--smoke'], { timeoutMs: 110_000 });
    const out = r.stdout.toString();
    expect(r.stderr.toString()).not.toMatch(/Error|hint:/);
    expect(r.code, out + r.stderr.toString()).toBe(0);
    expect(out).toMatch(/^machine: .*Node v20.*redis-cli 7\.0\.15/m);
    const rows = tableRows(out, /PING|SET|LRANGE|GET|--pipe/);
    const names = rows.map((c) => c[0]);
    expect(names).toEqual(expect.arrayContaining(['one-shot PING over TLS', 'one-shot PING over TCP', '300 SET lines piped on stdin', 'LRANGE of 2000 elements, raw', 'LRANGE of 2000 elements, --no-raw', 'GET of a 1 MiB value']));
    for (const cells of rows) {
      expect(cells, cells[0]).toHaveLength(9);
      expect(cells[8], `${cells[0]}: same bytes`).toBe('yes');
      expect(cells[5], `${cells[0]}: RSS of redis-cli`).toMatch(/^\d+\.\d MiB$/);
    }
    // The floor scripts ran (and printed PONG, or "same bytes" above would say NO).
    expect(rows.find((c) => c[0] === 'one-shot PING over TLS')![3]).toMatch(/ m?s \(tredis-cli \d+\.\d\d ×\)$/);
    // --pipe is either measured or skipped with a note, never silently absent.
    expect(names.some((n) => n!.startsWith('--pipe')) || /note: --pipe row skipped/.test(out)).toBe(true);
    expect(out).toMatch(/targets: not checked \(smoke run; \d+ targets defined\)/);
  });

  it('decoder micro-benchmark compares three decoders on the same bytes (and ours with every payload made a Buffer)', { timeout: 60_000 }, async () => {
    const r = await run(process.execPath, [BENCH, 'decoder', '--smoke'], { timeoutMs: 55_000 });
    const out = r.stdout.toString();
    expect(r.code, out + r.stderr.toString()).toBe(0);
    expect(out).toMatch(/tredis-cli RespDecoder MiB\/s \| @redis\/client Decoder MiB\/s \| redis-parser MiB\/s \| tredis-cli, every payload made a Buffer MiB\/s/);
    const rows = tableRows(out, /small replies|array of|bulk string/);
    expect(rows).toHaveLength(3);
    for (const cells of rows) {
      expect(cells.slice(2, 6).every((c) => Number(c) > 0), cells.join(' | ')).toBe(true);
      expect(cells[7]).toBe('not checked (smoke)');
    }
  });
});
