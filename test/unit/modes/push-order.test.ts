// Push ordering (modes/push-order.ts) against the lab's redis-server: with RESP3 client tracking, a
// pipelined SET on a tracked key is answered `+OK` and then the `>invalidate` push; the push must
// print after that OK and before the next reply, as redis-cli prints them (checked side by side:
// `redis-cli -3 --show-pushes yes` on the same input prints the same bytes).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/modes/execute.js';
import { runStdin } from '../../../src/modes/stdin.js';
import { key, labSession, testContext } from '../../helpers/mode-context.js';

describe('pushes keep their place among the replies (lab redis-server)', () => {
  it('piped stdin, pipelined: OK, then the invalidation, then the next reply', async () => {
    const k = key('tracked');
    const setup = labSession();
    await setup.connect();
    await setup.send(['SET', k, 'v']);
    const ctx = testContext({ resp3: true, showPushes: true });
    await ctx.connect();
    const lines = ['CLIENT TRACKING on', `GET ${k}`, `SET ${k} v2`, 'PING', `GET ${k}`, `SET ${k} v3`, 'ECHO end'];
    expect(await runStdin(ctx, Readable.from([Buffer.from(lines.join('\n') + '\n')]))).toBe(0);
    expect(ctx.stdout()).toBe(`OK\nv\nOK\ninvalidate\n${k}\nPONG\nv2\nOK\ninvalidate\n${k}\nend\n`);
    ctx.session.close();
    await setup.send(['DEL', k]);
    setup.close();
  });

  it('-r repeats, pipelined: the invalidation right after the OK that caused it', async () => {
    const k = key('tracked-r');
    const ctx = testContext({ resp3: true, showPushes: true });
    await ctx.connect();
    await ctx.session.send(['CLIENT', 'TRACKING', 'on']);
    await ctx.session.send(['GET', k]); // tracked until it changes: the first SET invalidates it
    expect(await runCommand(ctx, [Buffer.from('SET'), Buffer.from(k), Buffer.from('x')], 3)).toBe('ok');
    expect(ctx.stdout()).toBe(`OK\ninvalidate\n${k}\nOK\nOK\n`);
    await ctx.session.send(['DEL', k]);
    ctx.session.close();
  });
});
