// -c on a cluster that announces host names (cluster-announce-hostname nodeN.redis.test,
// cluster-preferred-endpoint-type hostname), reached through --resolve: every node gets its own
// TLS connection with SNI and a certificate check for its own name, the same client certificate
// (tls-auth-clients yes), and connections are reused across redirects. redis-cli 7.0.15 cannot
// reach these names at all, so the expectations here are written out.
import { describe, expect, it } from 'vitest';
import { redisCli } from '../../scripts/lib/cluster-lab.mjs';
import { useCluster, type ClusterLab } from '../helpers/cluster.js';
import { run, TREDIS_CLI } from '../helpers/run.js';

const cluster = useCluster('hostname');

const direct = (c: ClusterLab, i: number, ...args: string[]) => redisCli([...c.tlsArgs, '-h', '127.0.0.1', '-p', String(c.nodes[i]!.port), ...args]);
/** tredis-cli arguments that reach node `i` by its name. */
const byName = (c: ClusterLab, i: number) => [...c.tlsArgs, ...c.resolveArgs, '-h', c.nodes[i]!.name, '-p', String(c.nodes[i]!.port)];

async function keyOn(c: ClusterLab, i: number, prefix: string): Promise<{ key: string; slot: number }> {
  for (let n = 0; ; n++) {
    const key = `${prefix}${n}`;
    const slot = Number((await direct(c, 0, 'CLUSTER', 'KEYSLOT', key)).trim());
    if (c.nodes[i]!.slots.some(([a, b]) => slot >= a && slot <= b)) return { key, slot };
  }
}

const connectionsReceived = async (c: ClusterLab, i: number) => Number(/total_connections_received:(\d+)/.exec(await direct(c, i, 'INFO', 'stats'))![1]);

describe('-c with host-name endpoints and --resolve', () => {
  it('follows MOVED to nodeN.redis.test names, each verified against its own certificate', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'hn-a:');
    const b = await keyOn(c, 2, 'hn-b:');
    const r = await run(TREDIS_CLI, [...byName(c, 0), '-c'], { stdin: `set ${a.key} 1\nset ${b.key} 2\nget ${a.key}\nget ${b.key}\n` });
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe(
      `-> Redirected to slot [${a.slot}] located at node2.redis.test:${c.nodes[1]!.port}\nOK\n` +
        `-> Redirected to slot [${b.slot}] located at node3.redis.test:${c.nodes[2]!.port}\nOK\n` +
        `-> Redirected to slot [${a.slot}] located at node2.redis.test:${c.nodes[1]!.port}\n1\n` +
        `-> Redirected to slot [${b.slot}] located at node3.redis.test:${c.nodes[2]!.port}\n2\n`,
    );
    expect(r.code).toBe(0);
  });

  it('sends SNI for the announced name of each node it is redirected to (--show-handshake=json)', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'sni:');
    const r = await run(TREDIS_CLI, [...byName(c, 0), '-c', '--show-handshake=json'], { stdin: `get ${a.key}\n` });
    expect(r.code).toBe(0);
    const reports = r.stderr.toString().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const text = JSON.stringify(reports);
    expect(text).toContain('"node1.redis.test"');
    expect(text).toContain('"node2.redis.test"');
  });

  it('opens one connection per node and reuses it when redirected back (not one per command)', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'pool-a:');
    const b = await keyOn(c, 2, 'pool-b:');
    const before = [await connectionsReceived(c, 1), await connectionsReceived(c, 2)];
    const lines = Array.from({ length: 5 }, () => `get ${a.key}\nget ${b.key}\n`).join('');
    const r = await run(TREDIS_CLI, [...byName(c, 0), '-c'], { stdin: lines });
    expect(r.code).toBe(0);
    expect(r.stdout.toString().match(/-> Redirected/g)).toHaveLength(10);
    // each INFO above and below is one connection of its own
    const after = [await connectionsReceived(c, 1), await connectionsReceived(c, 2)];
    expect(after[0]! - before[0]! - 1).toBe(1);
    expect(after[1]! - before[1]! - 1).toBe(1);
  });

  it('names the node and the fix when an announced name does not resolve (no --resolve)', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'nodns:');
    const args = [...c.tlsArgs, '-h', '127.0.0.1', '-p', String(c.nodes[0]!.port), '-c'];
    const one = await run(TREDIS_CLI, [...args, 'GET', a.key]);
    expect(one.code).toBe(1);
    const err = one.stderr.toString();
    expect(err).toMatch(new RegExp(`^Could not connect to Redis at node2\\.redis\\.test:${c.nodes[1]!.port}: (Name or service not known|Temporary failure in name resolution)\\n`));
    expect(err).toContain(`--resolve node2.redis.test:${c.nodes[1]!.port}:ADDRESS`);
    const piped = await run(TREDIS_CLI, args, { stdin: `get ${a.key}\nping\n` });
    expect(piped.code).toBe(0);
    // as redis-cli: the session stays on the node it was sent to, so PING tries it again
    expect(piped.stdout.toString()).toBe(`-> Redirected to slot [${a.slot}] located at node2.redis.test:${c.nodes[1]!.port}\n`);
    expect(piped.stderr.toString().match(/Could not connect to Redis at node2/g)).toHaveLength(2);
  });

  it('refuses a node whose certificate does not cover its announced name; --no-verify-hostname accepts it', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'badcert:');
    const n = c.nodes[1]!;
    await direct(c, 1, 'CONFIG', 'SET', 'tls-cert-file', c.strangerCert.cert, 'tls-key-file', c.strangerCert.key);
    try {
      const r = await run(TREDIS_CLI, [...byName(c, 0), '-c', 'GET', a.key]);
      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain(`Could not connect to Redis at node2.redis.test:${n.port}: TLS handshake failed: the certificate does not match the host name "node2.redis.test": its names are DNS:stranger.redis.test`);
      const ok = await run(TREDIS_CLI, [...byName(c, 0), '-c', '--no-verify-hostname', 'SET', a.key, 'v']);
      expect(ok.stderr.toString()).toBe('');
      expect(ok.stdout.toString()).toBe('OK\n');
    } finally {
      await direct(c, 1, 'CONFIG', 'SET', 'tls-cert-file', n.cert, 'tls-key-file', n.key);
    }
  });

  it('--sni overrides the name sent to every node (and so fails where it does not match)', async () => {
    const c = cluster();
    const a = await keyOn(c, 1, 'sniover:');
    const r = await run(TREDIS_CLI, [...byName(c, 0), '-c', '--sni', 'node1.redis.test', 'GET', a.key]);
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toContain(`node2.redis.test:${c.nodes[1]!.port}: TLS handshake failed: the certificate does not match the host name "node1.redis.test"`);
  });

  it('rejects a malformed --resolve with the expected form', async () => {
    const r = await run(TREDIS_CLI, ['--resolve', 'node1.redis.test:6379', 'PING']);
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe("Invalid --resolve value 'node1.redis.test:6379'\nhint: write it as HOST:PORT:ADDRESS, e.g. --resolve node1.example:6380:10.0.0.5 (several addresses: ADDR1,ADDR2)\n");
  });
});
