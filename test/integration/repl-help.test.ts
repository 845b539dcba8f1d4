// `help` outside the REPL, byte for byte as redis-cli 7.0.15 prints it (ANSI colours and \r\n
// included, also into a pipe): every group of the bundled table (so every command's syntax,
// summary and since), one-shot without a server, and piped on stdin.
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

  it.each(groups.map((g) => [g]))('help @%s: same bytes, exit 0, no connection', async (group) => {
    const [ours, theirs] = await Promise.all([run(TREDIS_CLI, [...NO_SERVER, 'help', `@${group}`]), run('redis-cli', [...NO_SERVER, 'help', `@${group}`])]);
    expect(ours.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
    expect(ours.stderr.toString()).toBe('');
    expect(ours.code).toBe(0);
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
