// -t bounds the whole connect, name resolution included: getaddrinfo cannot be cancelled and has no
// timeout of its own, so a resolver that never answers is simulated by an injected lookup that
// never settles (no DNS server can be pointed at without root).
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../../src/connection/transport.js';
import { ConnectError } from '../../../src/errors.js';

describe('connect budget (-t)', () => {
  it('a resolver that never answers: "timed out resolving HOST" within -t', async () => {
    const t0 = Date.now();
    const err = await openTransport({ host: 'slow.example', port: 6379, timeoutMs: 300 }, { lookup: () => new Promise(() => undefined) }).catch((e: unknown) => e);
    const ms = Date.now() - t0;
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toBe('Could not connect to Redis at slow.example:6379: timed out resolving slow.example');
    expect((err as ConnectError).hint).toMatch(/--resolve slow\.example:6379:ADDRESS/);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5_000);
  });

  it('the resolver spends the budget: what is left is what TCP gets (a spent deadline fails at once)', async () => {
    const t0 = Date.now();
    const err = await openTransport({ host: 'slow.example', port: 6379, timeoutMs: 10_000 }, { deadline: Date.now() + 200, lookup: () => new Promise(() => undefined) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/timed out resolving slow\.example$/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a resolver failure keeps redis-cli\'s words', async () => {
    const err = await openTransport({ host: 'nx.example', port: 6379, timeoutMs: 1000 }, { lookup: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nx.example'), { code: 'ENOTFOUND' })) }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Could not connect to Redis at nx.example:6379: Name or service not known');
  });
});
