import { describe, expect, it } from 'vitest';
import { NodePool } from '../../../src/client/node-pool.js';
import { Session } from '../../../src/client/session.js';

const make = (host: string, port: number) => new Session({ host, port, timeoutMs: 1000 }, { db: 0, switchToResp3: false });

describe('NodePool', () => {
  it('gives the same session for the same endpoint, host names case-insensitively', () => {
    const pool = new NodePool(make);
    const a = pool.get('Node1.redis.test', 7000);
    expect(pool.get('node1.redis.test', 7000)).toBe(a);
    expect(pool.get('node1.redis.test', 7001)).not.toBe(a);
    expect(pool.size).toBe(2);
  });

  it('adopts the start-up session under its endpoint', () => {
    const pool = new NodePool(make);
    const first = make('127.0.0.1', 7000);
    pool.adopt(first);
    expect(pool.get('127.0.0.1', 7000)).toBe(first);
  });

  it('drops the least recently used session past its limit', () => {
    const pool = new NodePool(make, 2);
    const a = pool.get('a', 1);
    pool.get('b', 1);
    expect(pool.get('a', 1)).toBe(a); // a is now the most recent
    pool.get('c', 1); // b goes
    expect(pool.size).toBe(2);
    expect(pool.get('a', 1)).toBe(a);
  });
});
