import { describe, expect, it } from 'vitest';
import { TypeDict } from '../../../src/modes/type-dict.js';
import { newTypeDict } from '../../../src/modes/bigkeys.js';

// Orders observed from redis-cli 7.0.15's --bigkeys summary: on an empty db (no lookup, rehash
// half done), after one key, and after the first few keys (rehash finished).
describe("redis-cli's type dict order", () => {
  const names = (d: TypeDict<{ name: string }>) => d.values().map((t) => t.name);
  it('no lookup yet', () => {
    expect(names(newTypeDict())).toEqual(['hash', 'list', 'string', 'stream', 'set', 'zset']);
  });
  it('one lookup', () => {
    const d = newTypeDict();
    d.find('list');
    expect(names(d)).toEqual(['string', 'list', 'hash', 'stream', 'set', 'zset']);
  });
  it('rehash done', () => {
    const d = newTypeDict();
    for (let i = 0; i < 5; i++) d.find('string');
    expect(names(d)).toEqual(['list', 'hash', 'string', 'stream', 'set', 'zset']);
  });
  it('a module type is found again once added', () => {
    const d = new TypeDict<number>();
    d.add('a', 1);
    d.add('MBbloom--', 2);
    expect(d.find('MBbloom--')).toBe(2);
    expect(d.find('none')).toBeUndefined();
  });
});
