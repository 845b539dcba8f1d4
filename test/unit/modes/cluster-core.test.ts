import { describe, expect, it } from 'vitest';
import { allocateSlots, configSignature, hostFromArgs, keyHashSlot, loadNodesReply, newNode, nodeInfo, parseNodeAddress, reshardTable, slotsString, SLOTS } from '../../../src/modes/cluster/core.js';

// A CLUSTER NODES reply of redis-server 7.0.15 (host-name variant: `,hostname` after the bus port).
const NODES = [
  'aaaa000000000000000000000000000000000001 127.0.0.1:7001@17001,node1.redis.test myself,master - 0 1700000000000 1 connected 0-5460 [5461->-aaaa000000000000000000000000000000000002]',
  'aaaa000000000000000000000000000000000002 127.0.0.1:7002@17002,node2.redis.test master - 0 1700000000000 2 connected 5461-10922',
  'aaaa000000000000000000000000000000000003 127.0.0.1:7003@17003 master - 0 1700000000000 3 connected 10923-16383',
  'aaaa000000000000000000000000000000000004 127.0.0.1:7004@17004 slave aaaa000000000000000000000000000000000001 0 1700000000000 1 connected',
  '',
].join('\n');

describe('cluster manager core (redis-cli 7.0.15 clusterManager*)', () => {
  it.each([
    { n: 1, expected: [[0, 16383]] },
    { n: 3, expected: [[0, 5460], [5461, 10922], [10923, 16383]] },
    { n: 6, expected: [[0, 2730], [2731, 5460], [5461, 8191], [8192, 10922], [10923, 13652], [13653, 16383]] },
  ])('allocateSlots($n) as --cluster create prints it', ({ n, expected }) => {
    expect(allocateSlots(n)).toEqual(expected);
  });

  it.each([
    { key: 'foo', slot: 12182 },
    { key: 'b', slot: 3300 },
    { key: 'a1', slot: 7785 },
    { key: '{user1000}.following', slot: keyHashSlot(Buffer.from('user1000')) },
    { key: 'foo{}bar', slot: keyHashSlot(Buffer.from('foo{}bar')) },
  ])('keyHashSlot($key) = $slot (CLUSTER KEYSLOT)', ({ key, slot }) => {
    expect(keyHashSlot(Buffer.from(key))).toBe(slot);
  });

  it.each([
    { addr: '127.0.0.1:7001@17001,node1.redis.test', expected: { ip: '127.0.0.1', port: 7001, busPort: 17001, hostname: 'node1.redis.test' } },
    { addr: '::1:7001@17001', expected: { ip: '::1', port: 7001, busPort: 17001, hostname: undefined } },
    { addr: '10.0.0.1:6379', expected: { ip: '10.0.0.1', port: 6379, busPort: 0, hostname: undefined } },
    { addr: 'nocolon', expected: null },
  ])('parseNodeAddress($addr)', ({ addr, expected }) => {
    expect(parseNodeAddress(addr)).toEqual(expected);
  });

  it.each([
    { args: ['127.0.0.1:7000'], expected: { ip: '127.0.0.1', port: 7000 } },
    { args: ['127.0.0.1', '7000'], expected: { ip: '127.0.0.1', port: 7000 } },
    { args: ['127.0.0.1:x'], expected: null },
    { args: ['nocolon'], expected: null },
  ])('hostFromArgs($args)', ({ args, expected }) => {
    expect(hostFromArgs(args)).toEqual(expected);
  });

  it('reads a node\'s own line (slots, migrating) and its friends from CLUSTER NODES', () => {
    const me = newNode('127.0.0.1', 7001);
    const friends = loadNodesReply(me, NODES, true);
    expect(me.name).toBe('aaaa000000000000000000000000000000000001');
    expect(me.slotsCount).toBe(5461);
    expect(me.migrating).toEqual([['5461', 'aaaa000000000000000000000000000000000002']]);
    expect(me.hostname).toBe('node1.redis.test');
    expect(friends.map((f) => [f.port, f.hostname, f.replicate])).toEqual([
      [7002, 'node2.redis.test', null],
      [7003, undefined, null],
      [7004, undefined, 'aaaa000000000000000000000000000000000001'],
    ]);
    me.replicasCount = 1;
    expect(nodeInfo(me)).toBe('M: aaaa000000000000000000000000000000000001 127.0.0.1:7001\n   slots:[0-5460] (5461 slots) master\n   1 additional replica(s)');
    expect(nodeInfo(friends[2]!)).toBe('S: aaaa000000000000000000000000000000000004 127.0.0.1:7004\n   slots: (0 slots) slave\n   replicates aaaa000000000000000000000000000000000001');
  });

  it('slotsString joins ranges and single slots', () => {
    const s = new Uint8Array(SLOTS);
    s.fill(1, 0, 3);
    s[5] = 1;
    s[SLOTS - 1] = 1;
    expect(slotsString(s)).toBe('[0-2],[5],[16383]');
  });

  it('configSignature ignores open-slot marks and line order', () => {
    const a = configSignature(NODES);
    const b = configSignature(NODES.split('\n').reverse().join('\n'));
    expect(a).toBe(b);
    expect(a).toBe('aaaa000000000000000000000000000000000001:0-5460|aaaa000000000000000000000000000000000002:5461-10922|aaaa000000000000000000000000000000000003:10923-16383');
  });

  it('reshardTable takes from the biggest source first, rounded up for it', () => {
    const a = newNode('a', 1);
    a.slots.fill(1, 0, 5461);
    a.slotsCount = 5461;
    const b = newNode('b', 2);
    b.slots.fill(1, 5461, 10923);
    b.slotsCount = 5462;
    const t = reshardTable([a, b], 101);
    expect(t).toHaveLength(101);
    expect(t.filter((x) => x.source === b)).toHaveLength(51);
    expect(t[0]).toEqual({ source: b, slot: 5461 });
  });
});
