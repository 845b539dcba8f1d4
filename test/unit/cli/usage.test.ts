// `--help` against redis-cli 7.0.15's own `--help` (test/fixtures/redis-cli-help.json, recorded by
// scripts/record-help.mjs): every option tredis-cli shares with redis-cli is described with
// redis-cli's exact words, unless it is listed in REWORDED; every difference (options not offered
// yet, options of our own, examples) is written down here, and a stale entry fails too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageText } from '../../../src/cli/usage.js';
import { REDIS_CLI_VERSION, TREDIS_VERSION } from '../../../src/version.js';

const ref = JSON.parse(readFileSync(new URL('../../fixtures/redis-cli-help.json', import.meta.url), 'utf8')) as { redisCli: string; exitCode: number; stdout: string };
const ours = usageText();

/** redis-cli's options whose description tredis-cli words differently, and why. */
const REWORDED: Record<string, string> = {
  '-u': 'names the URI forms, rediss:// included',
  '-i': 'the --scan/--stat/--bigkeys sentence comes back with those modes',
  '--sni': 'says what is sent by default',
  '--cacertdir': 'no c_rehash is needed',
  '--tls-ciphers': 'no ciphers(1ssl) man page to point at',
  '--tls-ciphersuites': 'no ciphers(1ssl) man page to point at',
};

/** redis-cli's options tredis-cli does not offer (yet): the modes and cluster issues remove entries. */
const NOT_OFFERED = new Set([
  '--lru-test', '--cluster',
]);

/** Options of tredis-cli's own (documented in the README and the man page). */
const ADDED = new Set([
  '-t', '--no-verify-hostname', '--key-pass-env', '--p12', '--tls-min-version', '--tls-groups', '--tls-keylog',
  '--pin-sha256', '--show-handshake', '--reply-timeout', '--count', '--type', '--cursor', '--keystats', '--keystats-samples', '--top', '--no-confirm', '--mono', '-4',
]);

/** Paragraphs after the options that tredis-cli leaves out (first line), and examples it adds. */
const PARAGRAPHS_NOT_SHOWN = new Set(['Cluster Manager Commands:', '  (Note: when using --eval the comma separates KEYS[] from ARGV[] items)']);
const EXAMPLES_NOT_SHOWN = new Set(['  redis-cli --eval myscript.lua key1 key2 , arg1 arg2 arg3']);
const EXAMPLES_ADDED = [
  '  tredis-cli --tls --cacert ca.crt --cert client.crt --key client.key -h redis.example.com -p 6380 ping',
  '  tredis-cli -u rediss://default:secret@redis.example.com:6380/0 --show-handshake ping',
];

interface Help {
  head: string[];
  blocks: Map<string, string>;
  order: string[];
  paragraphs: string[][];
}

/** Splits a help text: the lines up to `Usage:`, the option blocks (an option line and its indented continuation), the paragraphs after. */
function parse(text: string): Help {
  const lines = text.split('\n');
  const usage = lines.findIndex((l) => l.startsWith('Usage:'));
  const blocks = new Map<string, string>();
  const order: string[] = [];
  let i = usage + 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const m = /^ {1,2}(-[^\s,[]+)/.exec(lines[i]!);
    if (m) {
      order.push(m[1]!);
      blocks.set(m[1]!, lines[i]!);
    } else {
      const last = order[order.length - 1]!;
      blocks.set(last, `${blocks.get(last)}\n${lines[i]}`);
    }
  }
  const paragraphs: string[][] = [];
  for (const l of lines.slice(i)) {
    if (l === '') paragraphs.push([]);
    else paragraphs[paragraphs.length - 1]!.push(l);
  }
  return { head: lines.slice(0, usage + 1), blocks, order, paragraphs: paragraphs.filter((p) => p.length > 0) };
}

const theirs = parse(ref.stdout);
const mine = parse(ours);
const renamed = (l: string) => l.replaceAll('redis-cli', 'tredis-cli');

describe('--help against redis-cli 7.0.15 --help', () => {
  it('the recording is of redis-cli 7.0.15 and parses', () => {
    expect(ref.redisCli).toBe(`redis-cli ${REDIS_CLI_VERSION}`);
    expect(ref.exitCode).toBe(0);
    expect(theirs.order.length).toBeGreaterThan(60);
  });

  it('names tredis-cli, its version and the redis-cli it follows', () => {
    expect(mine.head).toEqual([`tredis-cli ${TREDIS_VERSION} (redis-cli ${REDIS_CLI_VERSION} compatible)`, '', renamed(theirs.head[2]!)]);
  });

  it.each(theirs.order.filter((k) => mine.blocks.has(k) && !(k in REWORDED)))('%s: redis-cli\'s words', (key) => {
    expect(mine.blocks.get(key)).toBe(theirs.blocks.get(key));
  });

  it.each(Object.keys(REWORDED))('%s: reworded, and still there on both sides', (key) => {
    expect(theirs.blocks.has(key) && mine.blocks.has(key)).toBe(true);
    expect(mine.blocks.get(key)).not.toBe(theirs.blocks.get(key));
  });

  it('every redis-cli option is shown or listed as not offered', () => {
    expect(theirs.order.filter((k) => !mine.blocks.has(k) && !NOT_OFFERED.has(k))).toEqual([]);
    expect([...NOT_OFFERED].filter((k) => mine.blocks.has(k) || !theirs.blocks.has(k))).toEqual([]);
  });

  it('every option of our own is listed as added', () => {
    expect(mine.order.filter((k) => !theirs.blocks.has(k) && !ADDED.has(k))).toEqual([]);
    expect([...ADDED].filter((k) => !mine.blocks.has(k) || theirs.blocks.has(k))).toEqual([]);
  });

  it('shared options come in redis-cli\'s order', () => {
    const shared = mine.order.filter((k) => theirs.blocks.has(k));
    expect(shared).toEqual(theirs.order.filter((k) => mine.blocks.has(k)));
  });

  it('the paragraphs after the options: redis-cli\'s, renamed, with the examples written down', () => {
    const expected = theirs.paragraphs
      .filter((p) => !PARAGRAPHS_NOT_SHOWN.has(p[0]!))
      .map((p) => (p[0] === 'Examples:' ? [...p.filter((l) => !EXAMPLES_NOT_SHOWN.has(l)).map(renamed), ...EXAMPLES_ADDED] : p.map(renamed)));
    expect(mine.paragraphs).toEqual(expected);
  });
});

describe('the version in the docs', () => {
  it('the man page and the README name package.json\'s versions (src/version.ts)', () => {
    const man = readFileSync(new URL('../../../man/tredis-cli.1', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(man).toContain(`"tredis-cli ${TREDIS_VERSION}"`);
    expect(man).toContain(`redis\\-cli ${REDIS_CLI_VERSION} (tredis\\-cli ${TREDIS_VERSION})`);
    expect(readme).toContain(`\`redis-cli ${REDIS_CLI_VERSION} (tredis-cli ${TREDIS_VERSION})\``);
  });
});
