// The session's pipelining against the lab's redis-server: many commands in flight, replies matched
// in order, error replies resolved as values (never thrown), a closed connection rejecting what is
// still pending.
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/client/session.js';
import { IoError } from '../../../src/errors.js';
import type { RespValue } from '../../../src/resp/value.js';
import { key, labSession } from '../../helpers/mode-context.js';

const text = (v: RespValue) => (v.kind === 'bulk' || v.kind === 'simple' || v.kind === 'error' ? v.value.toString('latin1') : v.kind === 'integer' ? String(v.value) : v.kind);

let s: Session | undefined;
afterEach(() => s?.close());

describe('Session pipelining (lab redis-server)', () => {
  it('keeps 2000 commands in flight and resolves them in order', async () => {
    s = labSession();
    await s.connect();
    const k = key('incr');
    await s.send(['DEL', k]);
    const replies = Array.from({ length: 2000 }, () => s!.send(['INCR', k]));
    expect(s.inFlight).toBeGreaterThan(1000); // written at once, not one by one
    const got = (await Promise.all(replies)).map(text);
    expect(got).toEqual(Array.from({ length: 2000 }, (_, i) => String(i + 1)));
    expect(s.inFlight).toBe(0);
    await s.send(['DEL', k]);
  });

  it('resolves error replies as values, in their place among the others', async () => {
    s = labSession();
    await s.connect();
    const k = key('wrongtype');
    const out = await Promise.all([
      s.send(['SET', k, 'v']),
      s.send(['LPUSH', k, 'x']),
      s.send(['NOSUCHCOMMAND']),
      s.send(['GET', k]),
      s.send(['DEL', k]),
    ]);
    expect(out.map((v) => v.kind)).toEqual(['simple', 'error', 'error', 'bulk', 'integer']);
    expect(text(out[1]!)).toMatch(/^WRONGTYPE /);
    expect(text(out[2]!)).toMatch(/^ERR unknown command 'NOSUCHCOMMAND'/);
    expect(text(out[3]!)).toBe('v');
  });

  it('matches a large reply and the small ones around it', async () => {
    s = labSession();
    await s.connect();
    const k = key('big');
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const out = await Promise.all([s.send(['SET', k, big]), s.send(['PING']), s.send(['GET', k]), s.send(['ECHO', 'after']), s.send(['DEL', k])]);
    expect(text(out[1]!)).toBe('PONG');
    expect(out[2]!.kind === 'bulk' && out[2]!.value.equals(big)).toBe(true);
    expect(text(out[3]!)).toBe('after');
  });

  it('rejects what is still pending when the connection is closed', async () => {
    s = labSession();
    await s.connect();
    const blocked = s.send(['BLPOP', key('never'), '0']);
    s.close();
    await expect(blocked).rejects.toBeInstanceOf(IoError);
    expect(s.isConnected).toBe(false);
  });
});
