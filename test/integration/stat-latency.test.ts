// --stat, --latency, --latency-history, --latency-dist and --intrinsic-latency against the lab's
// `main` server, plain and TLS: the timed forms in a pseudo-terminal for a bounded time (header
// lines and line layout, next to redis-cli 7.0.15 in the same terminal), the non-terminal forms
// compared in layout with redis-cli.
import { describe, expect, it } from 'vitest';
import { PtySession } from '../helpers/pty.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

function target(tls: boolean): string[] {
  const m = lab().servers.main;
  return tls ? ['--tls', '--cacert', lab().certs.ca, '-p', String(m.tlsPort)] : ['-p', String(m.port)];
}

/** Runs `args` in a terminal until `until` shows, then Ctrl-C; returns the whole text and raw bytes. */
async function inPty(who: 'tredis' | 'redis-cli', args: string[], until: RegExp | ((t: string) => boolean)): Promise<{ text: string; raw: string }> {
  const s = who === 'tredis' ? PtySession.tredis(args) : PtySession.redisCli(args);
  try {
    const text = await s.waitForScreen(until, 15_000, { scrollback: true });
    s.press('C-c');
    await s.waitForExit(5_000).catch(() => undefined);
    return { text: text.split('\n').map((l) => l.trimEnd()).join('\n'), raw: s.raw };
  } finally {
    await s.close();
  }
}

const STAT_HEADER = [
  '------- data ------ --------------------- load -------------------- - child -',
  'keys       mem      clients blocked requests            connections',
];
/** A --stat row: keys (11 wide), memory (8), clients (9 with its space), blocked (8), requests (19), connections. */
const STAT_ROW = /^\d+ {1,10}\d+(\.\d\d[KMG]|B) +\d+ +\d+ +\d+ \(\+\d+\) +\d+ *(SAVE|AOF|SAVE\+AOF|LOAD)?$/;

describe.concurrent.each([false, true])('timed modes in a terminal (TLS: %s)', (tls) => {
  it('--stat: the two header lines, then one row a tick, columns where redis-cli puts them', async () => {
    const until = (t: string) => t.split('\n').filter((l) => STAT_ROW.test(l)).length >= 3;
    const [ours, ref] = await Promise.all([
      inPty('tredis', [...target(tls), '--stat', '-i', '0.2'], /(?:\n.*\d \(\+\d+\).*){3}/),
      inPty('redis-cli', [...target(tls), '--stat', '-i', '0.2'], /(?:\n.*\d \(\+\d+\).*){3}/),
    ]);
    for (const { text } of [ours, ref]) {
      const lines = text.split('\n');
      expect(lines.slice(0, 2)).toEqual(STAT_HEADER);
      const rows = lines.slice(2).filter((l) => l !== '' && !l.startsWith('^C'));
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const r of rows) expect(r).toMatch(STAT_ROW);
      // Column starts: memory at 11, clients at 20, requests at 36, connections at 56.
      expect(rows[0]!.slice(11, 12)).toMatch(/\d/);
      expect(rows[0]!.slice(56, 57)).toMatch(/\d/);
      expect(until(text)).toBe(true);
    }
    expect(ours.raw.startsWith(`${STAT_HEADER[0]}\r\n`)).toBe(true);
  }, 30_000);

  it('--latency: one line redrawn in place', async () => {
    const line = /min: \d+, max: \d+, avg: \d+\.\d\d \((\d{2,}) samples\)/;
    const [ours, ref] = await Promise.all([
      inPty('tredis', [...target(tls), '--latency'], line),
      inPty('redis-cli', [...target(tls), '--latency'], line),
    ]);
    for (const { text, raw } of [ours, ref]) {
      expect(text.split('\n').filter((l) => line.test(l))).toHaveLength(1);
      expect(raw).toContain('\x1b[0G\x1b[2Kmin: ');
    }
  }, 30_000);

  it('--latency-history: a line per interval, ending in " -- N seconds range"', async () => {
    const done = (t: string) => t.split('seconds range').length > 2;
    const range = /^min: \d+, max: \d+, avg: \d+\.\d\d \(\d+ samples\) -- 0\.\d\d seconds range$/;
    const [ours, ref] = await Promise.all([
      inPty('tredis', [...target(tls), '--latency-history', '-i', '0.3'], done),
      inPty('redis-cli', [...target(tls), '--latency-history', '-i', '0.3'], done),
    ]);
    for (const { text } of [ours, ref]) {
      const ranges = text.split('\n').filter((l) => l.includes('seconds range'));
      expect(ranges.length).toBeGreaterThanOrEqual(2);
      for (const r of ranges) expect(r).toMatch(range);
    }
  }, 30_000);

  it('--latency-dist: the legend, then coloured cells, the same escape codes as redis-cli', async () => {
    const cells = /(?:\n[.\-*#1-9A-Q?]{31}){2}/;
    const [ours, ref] = await Promise.all([
      inPty('tredis', [...target(tls), '--latency-dist', '-i', '0.2'], cells),
      inPty('redis-cli', [...target(tls), '--latency-dist', '-i', '0.2'], cells),
    ]);
    for (const { text, raw } of [ours, ref]) {
      const lines = text.split('\n');
      expect(lines.slice(0, 6)).toEqual([
        '---------------------------------------------',
        '. - * #          .01 .125 .25 .5 milliseconds',
        '1,2,3,...,9      from 1 to 9     milliseconds',
        'A,B,C,D,E        10,20,30,40,50  milliseconds',
        'F,G,H,I,J        .1,.2,.3,.4,.5       seconds',
        'K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds',
      ]);
      expect(lines).toContain('.-*#123456789ABCDEFGHIJKLMNOPQ?');
      expect(raw).toContain('From 0 to 100%: \x1b[48;5;0m \x1b[48;5;233m ');
      expect(raw).toMatch(/\x1b\[38;5;0m\x1b\[48;5;\d+m\.\x1b\[48;5;\d+m-/);
    }
  }, 30_000);
});

describe.concurrent.each([false, true])('non-terminal forms, side by side with redis-cli (TLS: %s)', (tls) => {
  it.each([
    ['raw', [], /^\d+ \d+ \d+\.\d\d \d+\n$/],
    ['--csv', ['--csv'], /^\d+,\d+,\d+\.\d\d,\d+\n$/],
    ['--json', ['--json'], /^\{"min": \d+, "max": \d+, "avg": \d+\.\d\d, "count": \d+\}\n$/],
    ['--quoted-json (nothing, as redis-cli 7.0.15)', ['--quoted-json'], /^$/],
  ])('--latency %s: one line after 1 s, exit 0', async (_n, extra, layout) => {
    const args = [...target(tls), '--latency', ...extra];
    const [ours, ref] = await Promise.all([run(TREDIS_CLI, args), run('redis-cli', args)]);
    expect(ref.stdout.toString()).toMatch(layout);
    expect(ours.stdout.toString()).toMatch(layout);
    expect([ours.code, ours.stderr.toString()]).toEqual([ref.code, ref.stderr.toString()]);
  });
});

describe.concurrent('--intrinsic-latency (no server)', () => {
  it('1 second: "Max latency so far" lines and the summary, as redis-cli lays them out', async () => {
    const [ours, ref] = await Promise.all([run(TREDIS_CLI, ['--intrinsic-latency', '1']), run('redis-cli', ['--intrinsic-latency', '1'])]);
    const layout = /^(Max latency so far: \d+ microseconds\.\n)+\n\d+ total runs \(avg latency: \d+\.\d{4} microseconds \/ \d+\.\d\d nanoseconds per run\)\.\nWorst run took \d+x longer than the average latency\.\n$/;
    expect(ref.stdout.toString()).toMatch(layout);
    expect(ours.stdout.toString()).toMatch(layout);
    expect(ours.code).toBe(0);
    expect(ref.code).toBe(0);
  });

  it('Ctrl-C prints the summary and exits 0', async () => {
    const s = PtySession.tredis(['--intrinsic-latency', '100']);
    try {
      await s.waitForScreen('Max latency so far');
      s.press('C-c');
      expect(await s.waitForExit()).toBe(0);
      expect(s.text()).toMatch(/total runs \(avg latency: .*\nWorst run took \d+x longer than the average latency\.$/);
    } finally {
      await s.close();
    }
  });
});
