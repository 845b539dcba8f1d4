// `help` outside the REPL, byte for byte as redis-cli 7.0.15 prints it (ANSI colours and \r\n
// included, also into a pipe): every group (so every command's syntax, summary and since), from the
// bundled table when no server answers (redis-cli's help.h) and from the server's COMMAND DOCS when
// one does; one-shot and piped on stdin.
import { describe, expect, it } from 'vitest';
import { bundledTable } from '../../src/repl/help-table.js';
import { run, TREDIS_CLI } from '../helpers/run.js';
import { lab } from '../setup/env.js';

const NO_SERVER = ['-p', '1']; // nothing listens on port 1: help must not need a server

describe('help like redis-cli 7.0.15', () => {
  const groups = bundledTable().groups;

  it('has redis-cli 7.0.15\'s 16 groups', () => {
    expect(groups).toHaveLength(16);
  });

  it.each(groups.flatMap((g) => [[g, 'no server'], [g, 'server']]))('help @%s (%s): same bytes, exit 0', async (group, where) => {
    const target = where === 'server' ? ['-p', String(lab().servers.main.port)] : NO_SERVER;
    const [ours, theirs] = await Promise.all([run(TREDIS_CLI, [...target, 'help', `@${group}`]), run('redis-cli', [...target, 'help', `@${group}`])]);
    expect(ours.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
    expect(ours.stderr.toString()).toBe('');
    expect(ours.code).toBe(0);
  });

  it.each([['MIGRATE'], ['BITFIELD'], ['REPLICAOF']])('help %s differs with and without a server, as in redis-cli', async (cmd) => {
    const online = await run(TREDIS_CLI, ['-p', String(lab().servers.main.port), 'help', cmd]);
    const offline = await run(TREDIS_CLI, [...NO_SERVER, 'help', cmd]);
    expect(online.stdout.equals(offline.stdout)).toBe(false);
    expect(online.stdout.toString('latin1')).toBe((await run('redis-cli', ['-p', String(lab().servers.main.port), 'help', cmd])).stdout.toString('latin1'));
  });

  it.each([['help'], ['help', 'set'], ['HELP', 'client'], ['?', 'client', 'kill'], ['help', 'set', 'ex'], ['help', '@nosuch'], ['help', 'client kill']])('%j', async (...args) => {
    const [ours, theirs] = await Promise.all([run(TREDIS_CLI, [...NO_SERVER, ...args]), run('redis-cli', [...NO_SERVER, ...args])]);
    expect(ours.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
    expect(ours.code).toBe(theirs.code);
  });

  it('piped on stdin, between commands', async () => {
    const stdin = 'help get\nping\nhelp @hyperloglog\nhelp\necho done\n';
    const args = ['-p', String(lab().servers.main.port)];
    const [ours, theirs] = await Promise.all([run(TREDIS_CLI, args, { stdin }), run('redis-cli', args, { stdin })]);
    expect(ours.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
  });
});
