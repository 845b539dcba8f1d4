// The execute step (modes/execute.ts runCommand) against the lab's redis-server: repeats in order,
// -e, help answered without a server, forced raw output, the state redis-cli tracks after a reply.
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/modes/execute.js';
import { key, testContext } from '../../helpers/mode-context.js';

const argv = (...words: string[]) => words.map((w) => Buffer.from(w));

describe('runCommand (lab redis-server)', () => {
  it('repeats a command in order (-r), pipelined', async () => {
    const ctx = testContext();
    const k = key('exec-incr');
    await ctx.connect();
    await ctx.session.send(['DEL', k]);
    expect(await runCommand(ctx, argv('INCR', k), 50)).toBe('ok');
    expect(ctx.stdout()).toBe(Array.from({ length: 50 }, (_, i) => `${i + 1}\n`).join(''));
    await ctx.session.send(['DEL', k]);
    ctx.session.close();
  });

  it('prints an error reply as a reply, and goes on', async () => {
    const ctx = testContext({ mode: 'tty' });
    await ctx.connect();
    expect(await runCommand(ctx, argv('NOSUCHCOMMAND'), 1)).toBe('ok');
    expect(ctx.stdout()).toMatch(/^\(error\) ERR unknown command 'NOSUCHCOMMAND'/);
    expect(ctx.stderr).toEqual([]);
    ctx.session.close();
  });

  it('-e: an error reply goes to stderr and fails the command (not interactive)', async () => {
    const ctx = testContext({ failOnErrorReply: true });
    await ctx.connect();
    expect(await runCommand(ctx, argv('NOSUCHCOMMAND'), 1)).toBe('failed');
    expect(ctx.stdout()).toBe('');
    expect(ctx.stderr[0]).toMatch(/^ERR unknown command 'NOSUCHCOMMAND'/);
    ctx.session.close();
  });

  it('help is answered locally: no connection is made', async () => {
    const ctx = testContext();
    let asked: string[] = [];
    ctx.help = (args) => void (asked = args.map(String));
    ctx.connect = async () => {
      throw new Error('help must not connect');
    };
    expect(await runCommand(ctx, argv('HELP', 'SET'), 1)).toBe('ok');
    expect(asked).toEqual(['SET']);
    expect(ctx.session.isConnected).toBe(false);
  });

  it('INFO in TTY mode prints the raw text (forced raw)', async () => {
    const ctx = testContext({ mode: 'tty' });
    await ctx.connect();
    await runCommand(ctx, argv('INFO', 'server'), 1);
    expect(ctx.stdout()).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/);
    ctx.session.close();
  });

  it('SELECT, MULTI/EXEC and RESET update the state the prompt and reconnects use', async () => {
    const ctx = testContext();
    await ctx.connect();
    await runCommand(ctx, argv('SELECT', '3'), 1);
    expect([ctx.state.db, ctx.session.setup.db, ctx.session.currentDb]).toEqual([3, 3, 3]);
    await runCommand(ctx, argv('MULTI'), 1);
    expect(ctx.state.inMulti).toBe(true);
    await runCommand(ctx, argv('SELECT', '5'), 1); // QUEUED
    await runCommand(ctx, argv('DISCARD'), 1);
    expect([ctx.state.inMulti, ctx.state.db]).toEqual([false, 3]);
    await runCommand(ctx, argv('RESET'), 1);
    expect([ctx.state.db, ctx.session.setup.db]).toEqual([0, 0]);
    expect(ctx.stdout()).toBe('OK\nOK\nQUEUED\nOK\nRESET\n');
    ctx.session.close();
  });
});
