// Piped stdin (modes/stdin.ts) against the lab's redis-server: pipelined replies print in input
// order, lines answered locally (help, bad quoting) and barriers (CLIENT, HELLO) keep their place,
// and the connection state a barrier changes is what later commands see.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runStdin } from '../../../src/modes/stdin.js';
import { key, testContext } from '../../helpers/mode-context.js';

const input = (lines: string[]) => Readable.from([Buffer.from(lines.join('\n') + '\n')]);

describe('piped stdin: order and barriers (lab redis-server)', () => {
  it('prints 3000 pipelined replies in input order', async () => {
    const ctx = testContext();
    const k = key('stdin-incr');
    await ctx.connect();
    const lines = [`DEL ${k}`, ...Array.from({ length: 3000 }, () => `INCR ${k}`), `DEL ${k}`];
    expect(await runStdin(ctx, input(lines))).toBe(0);
    expect(ctx.stdout()).toBe(['0', ...Array.from({ length: 3000 }, (_, i) => String(i + 1)), '1'].join('\n') + '\n');
    ctx.session.close();
  });

  it('keeps help and bad lines in their place among pipelined replies', async () => {
    const ctx = testContext();
    ctx.help = (args) => ctx.out.write(`[help ${args.map(String).join(' ')}]\n`);
    await ctx.connect();
    const out = await runStdin(ctx, input(['ECHO a', 'help GET', 'ECHO b', '"unterminated', 'ECHO c', '? SET', 'ECHO d']));
    expect(out).toBe(0);
    expect(ctx.stdout()).toBe('a\n[help GET]\nb\nInvalid argument(s)\nc\n[help SET]\nd\n');
    ctx.session.close();
  });

  it('runs CLIENT SETNAME alone: the commands after it see the name', async () => {
    const ctx = testContext();
    await ctx.connect();
    await runStdin(ctx, input(['CLIENT GETNAME', 'CLIENT SETNAME piped-shape', 'CLIENT GETNAME', 'ECHO after']));
    expect(ctx.stdout()).toBe('\nOK\npiped-shape\nafter\n');
    ctx.session.close();
  });

  it('HELLO 3 in the middle: the replies after it are RESP3 (HGETALL: an array, then a map)', async () => {
    const ctx = testContext({ mode: 'json' });
    const k = key('stdin-hash');
    await ctx.connect();
    await runStdin(ctx, input([`HSET ${k} f v`, `HGETALL ${k}`, 'HELLO 3', `HGETALL ${k}`, `DEL ${k}`]));
    const lines = ctx.stdout().split('\n');
    expect(lines.slice(0, 2)).toEqual(['1', '["f","v"]']);
    expect(lines[2]).toMatch(/^\{"server":"redis",.*"proto":3,/);
    expect(lines.slice(3)).toEqual(['{"f":"v"}', '1', '']);
    ctx.session.close();
  });

  it('stops at quit and sends nothing after it', async () => {
    const ctx = testContext();
    const k = key('stdin-quit');
    await ctx.connect();
    expect(await runStdin(ctx, input([`SET ${k} before`, 'quit', `SET ${k} after`]))).toBe(0);
    expect(ctx.stdout()).toBe('OK\n');
    const check = testContext();
    await check.connect();
    await runStdin(check, input([`GET ${k}`, `DEL ${k}`]));
    expect(check.stdout()).toBe('before\n1\n');
    check.session.close();
    ctx.session.close();
  });
});
