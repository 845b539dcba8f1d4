import { describe, expect, it } from 'vitest';
import { bytesToHuman, infoField, STAT_HEADER, statLine } from '../../../src/modes/stat.js';
import { formatLatency } from '../../../src/modes/latency.js';
import { BUCKETS, bucketOf, distSamples, PALETTE_COLOR } from '../../../src/modes/latency-dist.js';

// Fields as redis-server 7.0.15 sends them in INFO (abridged), CRLF-separated.
const INFO = [
  '# Clients', 'connected_clients:3', 'blocked_clients:1',
  '# Memory', 'used_memory:1384728', 'used_memory_human:1.32M',
  '# Persistence', 'loading:0', 'rdb_bgsave_in_progress:1', 'aof_rewrite_in_progress:0',
  '# Stats', 'total_connections_received:68', 'total_commands_processed:683',
  '# Keyspace', 'db0:keys=1002,expires=0,avg_ttl=0', 'db9:keys=8,expires=1,avg_ttl=0', '',
].join('\r\n');

describe('--stat rendering (statMode, redis-cli 7.0.15)', () => {
  it('the header is the two lines redis-cli prints', () => {
    expect(STAT_HEADER.split('\n').map((l) => l.length)).toEqual([77, 77, 0]);
  });
  it('a row: keys of every db, memory, clients, blocked, requests (+delta), connections, child', () => {
    expect(statLine(INFO, 0n)).toEqual({ line: '1010       1.32M    3       1       683 (+0)            68          SAVE\n', requests: 683n });
    expect(statLine(INFO, 600n).line).toContain('683 (+83)           68');
  });
  it.each([
    ['used_memory', 1384728n],
    // strstr: the first occurrence anywhere, so this finds rdb_bgsave_in_progress
    ['bgsave_in_progress', 1n],
    ['db0:keys', 1002n],
    ['no_such_field', -(2n ** 63n)],
  ])('infoField(%s)', (field, value) => {
    expect(infoField(INFO, field)).toBe(value);
  });
  it.each([
    [0n, '0B'], [1023n, '1023B'], [1024n, '1.00K'], [1536n, '1.50K'], [1048576n, '1.00M'], [3n * 1024n ** 3n, '3.00G'], [-2048n, '-2.00K'],
  ])('bytesToHuman(%s) = %s', (n, s) => {
    expect(bytesToHuman(n)).toBe(s);
  });
});

describe('--latency lines (latencyModePrint)', () => {
  const s = { min: 0, max: 3, avg: 0.125, count: 97 };
  it.each([
    ['tty', 'min: 0, max: 3, avg: 0.12 (97 samples)'],
    ['raw', '0 3 0.12 97\n'],
    ['csv', '0,3,0.12,97\n'],
    ['json', '{"min": 0, "max": 3, "avg": 0.12, "count": 97}\n'],
    ['quoted-json', ''],
  ] as const)('%s', (mode, text) => {
    expect(formatLatency(s, mode)).toBe(text);
  });
});

describe('--latency-dist (showLatencyDistSamples)', () => {
  it('buckets by µs, the last one for everything above a minute', () => {
    expect(BUCKETS[bucketOf(5)]![1]).toBe('.');
    expect(BUCKETS[bucketOf(126)]![1]).toBe('*');
    expect(BUCKETS[bucketOf(1000)]![1]).toBe('1');
    expect(BUCKETS[bucketOf(61_000_000)]![1]).toBe('?');
  });
  it('each cell coloured by ceil(share × (palette size − 1))', () => {
    const counts = BUCKETS.map(() => 0);
    counts[0] = 3;
    counts[1] = 1;
    const line = distSamples(counts, 4, PALETTE_COLOR);
    expect(line.startsWith('\x1b[38;5;0m\x1b[48;5;226m.\x1b[48;5;239m-\x1b[48;5;0m*')).toBe(true);
    expect(line.endsWith('\x1b[48;5;0m?\x1b[0m\n')).toBe(true);
  });
});
