/**
 * The pure part of `--cluster create`: primaries and slots, replicas spread over hosts, and the
 * anti-affinity optimiser (clusterManagerCommandCreate / GetAntiAffinityScore /
 * OptimizeAntiAffinity, redis-cli 7.0.15). The random source is injected so tests are repeatable.
 */
import { allocateSlots, type CmNode } from './core.js';

export interface CreatePlan {
  primaries: CmNode[];
  /** The lines printed while planning (`Master[0] -> Slots …`, `Adding replica …`, …). */
  lines: string[];
}

/** Nodes grouped by IP in first-seen order (the ip_nodes arrays). */
function byIp(nodes: CmNode[]): CmNode[][] {
  const groups = new Map<string, CmNode[]>();
  for (const n of nodes) {
    const g = groups.get(n.ip) ?? [];
    g.push(n);
    groups.set(n.ip, g);
  }
  return [...groups.values()];
}

/** Assigns slots to the primaries and replicas to them; mutates the nodes (replicate, slots, dirty). */
export function planCreate(nodes: CmNode[], replicas: number): CreatePlan {
  const lines: string[] = [];
  const groups = byIp(nodes).map((g) => [...g]);
  // interleave one node per IP at a time
  const interleaved: Array<CmNode | null> = [];
  while (interleaved.length < nodes.length) {
    for (const g of groups) if (g.length > 0) interleaved.push(g.shift()!);
  }
  const mastersCount = Math.floor(nodes.length / (replicas + 1));
  const primaries = interleaved.slice(0, mastersCount) as CmNode[];
  let rest: Array<CmNode | null> = interleaved.slice(mastersCount);
  allocateSlots(mastersCount).forEach(([first, last], i) => {
    const m = primaries[i]!;
    lines.push(`Master[${i}] -> Slots ${first} - ${last}`);
    m.slots.fill(0);
    m.slots.fill(1, first, last + 1);
    m.slotsCount = last - first + 1;
    m.dirty = true;
  });
  // Rotating the list sometimes helps to get better initial anti-affinity (as redis-cli does).
  if (rest.length > 0) rest = [...rest.slice(1), rest[0]!];
  let available = rest.length;
  let assignUnused = false;
  for (;;) {
    for (const master of primaries) {
      let assigned = 0;
      while (assigned < replicas) {
        if (available === 0) break;
        let slave: CmNode | null = null;
        let firstIdx = -1;
        for (let j = 0; j < rest.length; j++) {
          const n = rest[j];
          if (!n) continue;
          if (n.ip !== master.ip) {
            slave = n;
            rest[j] = null;
            break;
          }
          if (firstIdx < 0) firstIdx = j;
        }
        if (!slave && firstIdx >= 0) {
          slave = rest[firstIdx]!;
          rest = rest.slice(firstIdx + 1);
        }
        if (!slave) break;
        assigned++;
        available--;
        slave.replicate = master.name;
        slave.dirty = true;
        lines.push(`Adding replica ${slave.ip}:${slave.port} to ${master.ip}:${master.port}`);
        if (assignUnused) break;
      }
    }
    if (!assignUnused && available > 0) {
      assignUnused = true;
      lines.push('Adding extra replicas...');
      continue;
    }
    break;
  }
  return { primaries, lines };
}

/** clusterManagerGetAntiAffinityScore: 10000 per replica on its primary's host, 1 per replica sharing a host with a sibling. */
export function antiAffinityScore(nodes: CmNode[]): { score: number; offending: CmNode[] } {
  let score = 0;
  const offending: CmNode[] = [];
  for (const group of byIp(nodes)) {
    const related = new Map<string, string>();
    for (const n of group) {
      const key = n.replicate ?? n.name;
      const types = related.get(key) ?? '';
      related.set(key, n.replicate ? `${types}s` : `m${types}`);
    }
    for (const [name, types] of related) {
      if (types.length < 2) continue;
      score += types[0] === 'm' ? 10000 * (types.length - 1) : types.length;
      const n = nodes.find((x) => x.replicate === name && x.ip === group[0]!.ip);
      if (n) offending.push(n);
    }
  }
  return { score, offending };
}

/**
 * clusterManagerOptimizeAntiAffinity: random swaps of replicas' primaries, kept unless they make the
 * score worse. Returns the log line and its level, or null when the layout was already perfect.
 */
export function optimizeAntiAffinity(nodes: CmNode[], rand: () => number): { level: 'ok' | 'warn'; text: string } | null {
  if (antiAffinityScore(nodes).score === 0) return null;
  for (let iter = 500 * nodes.length; iter > 0; iter--) {
    const { score, offending } = antiAffinityScore(nodes);
    if (score === 0 || offending.length === 0) break;
    const first = offending[Math.floor(rand() * offending.length)]!;
    const others = nodes.filter((n) => n !== first && n.replicate !== null);
    if (others.length === 0) break;
    const second = others[Math.floor(rand() * others.length)]!;
    const [a, b] = [first.replicate, second.replicate];
    first.replicate = b;
    second.replicate = a;
    first.dirty = second.dirty = true;
    if (antiAffinityScore(nodes).score > score) {
      first.replicate = a;
      second.replicate = b;
    }
  }
  const score = antiAffinityScore(nodes).score;
  if (score === 0) return { level: 'ok', text: '[OK] Perfect anti-affinity obtained!' };
  return { level: 'warn', text: score >= 10000 ? '[WARNING] Some slaves are in the same host as their master' : '[WARNING] Some slaves of the same master are in the same host' };
}
