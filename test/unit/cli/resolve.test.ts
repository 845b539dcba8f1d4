import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { buildConfig, parseResolve } from '../../../src/cli/config.js';
import { parseRedirect } from '../../../src/modes/execute.js';

describe('--resolve HOST:PORT:ADDR (curl)', () => {
  it.each([
    { input: ['node1.redis.test:7000:127.0.0.1'], expected: { 'node1.redis.test:7000': ['127.0.0.1'] } },
    { input: ['Node1.Example:7000:10.0.0.1,10.0.0.2'], expected: { 'node1.example:7000': ['10.0.0.1', '10.0.0.2'] } },
    { input: ['n:6379:[::1]'], expected: { 'n:6379': ['::1'] } },
    { input: ['n:1:10.0.0.1', 'n:1:10.0.0.9'], expected: { 'n:1': ['10.0.0.9'] } },
  ])('$input', ({ input, expected }) => {
    expect(parseResolve(input)).toEqual(expected);
  });

  it.each(['n:6379', 'n:0:127.0.0.1', 'n:70000:127.0.0.1', 'n:6379:not-an-ip', ':6379:127.0.0.1'])('rejects %s', (bad) => {
    expect(() => parseResolve([bad])).toThrow(/Invalid --resolve value/);
  });

  it('is repeatable and reaches the connection config', () => {
    const { flags } = parseArgs(['--resolve', 'a:1:127.0.0.1', '--resolve', 'b:2:127.0.0.2', 'PING']);
    expect(buildConfig(flags, {}, false).connection.resolve).toEqual({ 'a:1': ['127.0.0.1'], 'b:2': ['127.0.0.2'] });
  });
});

describe('parseRedirect (cliReadReply)', () => {
  const err = (s: string) => ({ kind: 'error' as const, value: Buffer.from(s) });
  it.each([
    { input: 'MOVED 3999 127.0.0.1:6381', expected: { ask: false, slot: 3999, host: '127.0.0.1', port: 6381 } },
    { input: 'ASK 1 node2.redis.test:7001', expected: { ask: true, slot: 1, host: 'node2.redis.test', port: 7001 } },
    { input: 'MOVED 5 ::1:7000', expected: { ask: false, slot: 5, host: '::1', port: 7000 } },
    { input: 'MOVED 5 :7000', expected: { ask: false, slot: 5, host: '', port: 7000 } },
    { input: 'MOVEDX 5 a:1', expected: null },
    { input: 'ERR MOVED 5 a:1', expected: null },
  ])('$input', ({ input, expected }) => {
    expect(parseRedirect(err(input) as never)).toEqual(expected);
  });
});
