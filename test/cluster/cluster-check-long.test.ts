// The slow --cluster checks (npm run test:cluster): --cluster-search-multiple-owners asks every
// primary about each of the 16384 slots, as redis-cli 7.0.15 does.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../helpers/cluster.js';
import { run, TREDIS_CLI } from '../helpers/run.js';

const cluster = useCluster('ip');

describe('--cluster check --cluster-search-multiple-owners', () => {
  it('prints what redis-cli 7.0.15 prints', async () => {
    const c = cluster();
    const args = [...c.tlsArgs, '--cluster', 'check', `127.0.0.1:${c.nodes[0]!.port}`, '--cluster-search-multiple-owners'];
    const t = await run(TREDIS_CLI, args, { timeoutMs: 60_000 });
    const r = await run('redis-cli', args, { timeoutMs: 60_000 });
    expect(t.stdout.toString()).toBe(r.stdout.toString());
    expect(t.stderr.toString()).toBe(r.stderr.toString());
    expect(t.code).toBe(r.code);
    expect(t.stdout.toString()).toContain('[OK] No multiple owners found.');
  });
});
