import { describe, expect, it } from 'vitest';
import { newNode } from '../../../src/modes/cluster/core.js';
import { antiAffinityScore, optimizeAntiAffinity, planCreate } from '../../../src/modes/cluster/create-plan.js';

const nodes = (hosts: string[]) => hosts.map((ip, i) => Object.assign(newNode(ip, 7000 + i), { name: `id${i}` }));

describe('--cluster create plan (clusterManagerCommandCreate)', () => {
  it('one host: the first three are primaries, the rest replicate them in turn after the rotation', () => {
    const ns = nodes(Array(6).fill('127.0.0.1'));
    const plan = planCreate(ns, 1);
    expect(plan.primaries.map((n) => n.port)).toEqual([7000, 7001, 7002]);
    expect(plan.lines).toEqual([
      'Master[0] -> Slots 0 - 5460',
      'Master[1] -> Slots 5461 - 10922',
      'Master[2] -> Slots 10923 - 16383',
      'Adding replica 127.0.0.1:7004 to 127.0.0.1:7000',
      'Adding replica 127.0.0.1:7005 to 127.0.0.1:7001',
      'Adding replica 127.0.0.1:7003 to 127.0.0.1:7002',
    ]);
    expect(antiAffinityScore(ns).score).toBe(30000);
    expect(optimizeAntiAffinity(ns, () => 0.3)?.text).toBe('[WARNING] Some slaves are in the same host as their master');
  });

  it('three hosts: primaries interleaved by host, replicas on other hosts, perfect anti-affinity', () => {
    const ns = nodes(['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.2', '10.0.0.3', '10.0.0.3']);
    const plan = planCreate(ns, 1);
    expect(plan.primaries.map((n) => n.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    for (const r of ns.filter((n) => n.replicate)) expect(ns.find((m) => m.name === r.replicate)!.ip).not.toBe(r.ip);
    expect(optimizeAntiAffinity(ns, Math.random)).toBeNull();
  });

  it('extra nodes become extra replicas', () => {
    const ns = nodes(Array(7).fill('127.0.0.1'));
    const plan = planCreate(ns, 1);
    expect(plan.lines).toContain('Adding extra replicas...');
    expect(ns.filter((n) => n.replicate !== null)).toHaveLength(4);
  });
});
