// The order of redis-cli 7.0.15's slot dicts (dict.c + SipHash-1-2, zero seed), checked against
// what redis-cli printed: `--cluster fix` on a cluster missing slots 1000-1019 covered them in
// this order (recorded from redis-cli 7.0.15's ">>> Covering slot N with …" lines).
import { describe, expect, it } from 'vitest';
import { dictOrder, siphash12 } from '../../../src/modes/type-dict.js';

describe('dictOrder', () => {
  it('walks 20 uncovered slots as redis-cli 7.0.15 does (incremental rehash included)', () => {
    const slots = Array.from({ length: 20 }, (_, i) => String(1000 + i));
    expect(dictOrder(slots).join(' ')).toBe('1002 1011 1004 1001 1013 1008 1005 1012 1014 1003 1009 1015 1006 1018 1016 1019 1007 1010 1000 1017');
  });

  it('adds a key once (dictReplace) and keeps every key', () => {
    const out = dictOrder(['5', '7', '5', '9', '7']);
    expect([...out].sort()).toEqual(['5', '7', '9']);
  });

  it('hashes 8-byte blocks and tails (SipHash-1-2, zero key) deterministically', () => {
    expect(siphash12(Buffer.from('12345678abc'))).toBe(siphash12(Buffer.from('12345678abc')));
    expect(siphash12(Buffer.from(''))).not.toBe(siphash12(Buffer.from('a')));
    expect(siphash12(Buffer.from('a')) < 1n << 64n).toBe(true);
  });
});
