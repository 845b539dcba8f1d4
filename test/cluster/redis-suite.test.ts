// Redis 7.0.15's own tests/unit/cluster.tcl (13 tests), ported step by step with tredis-cli in the
// place of src/redis-cli: same steps, same assertions, same waits (wait_for_condition 1000 50 =
// 1000 tries 50 ms apart). Helpers in test/helpers/redis-suite.ts. The real Tcl file runs with
// scripts/redis-tcl-cluster.sh.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { BASE, create, Deferring, describeClusterPort, exec, Servers, waitFor } from '../helpers/redis-suite.js';
import { run } from '../helpers/run.js';

describe('tests/unit/cluster.tcl (Redis 7.0.15), 3 servers', () => {
  const srv = new Servers();
  let node3Rd: Deferring;
  let node1Rd: Deferring;
  beforeAll(async () => {
    await srv.start(3, () => BASE);
    node3Rd = new Deferring(srv.port(-2));
  }, 60_000);
  afterAll(async () => {
    node3Rd?.close();
    node1Rd?.close();
    try {
      process.kill(srv.pid(-2), 'SIGCONT');
    } catch {
      // already gone
    }
    await srv.stop();
  });

  // test {Create 3 node cluster}
  it('Create 3 node cluster', async () => {
    await create(srv, [0, -1, -2]);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2]), "Cluster doesn't stabilize");
  }, 90_000);

  // test "Run blocking command on cluster node3"
  it('Run blocking command on cluster node3', async () => {
    // key9184688 is mapped to slot 10923 (first slot of node 3)
    node3Rd.send('brpop', 'key9184688', '0');
    await waitFor(50, 100, async () => (await srv.s(-2, 'blocked_clients')) === '1', 'Client not blocked');
  });

  // test "Perform a Resharding"
  it('Perform a Resharding', async () => {
    await exec(['--cluster-yes', '--cluster', 'reshard', `127.0.0.1:${srv.port(-2)}`, '--cluster-to', await srv.r(0, 'cluster', 'myid'), '--cluster-from', await srv.r(-2, 'cluster', 'myid'), '--cluster-slots', '1']);
  }, 90_000);

  // test "Verify command got unblocked after resharding"
  it('Verify command got unblocked after resharding', async () => {
    // this (read) will wait for the node3 to realize the new topology
    expect(await node3Rd.read()).toMatch(/MOVED/);
    // verify there are no blocked clients
    expect(await srv.s(0, 'blocked_clients')).toBe('0');
    expect(await srv.s(-1, 'blocked_clients')).toBe('0');
    expect(await srv.s(-2, 'blocked_clients')).toBe('0');
  });

  // test "Wait for cluster to be stable"
  it('Wait for cluster to be stable', async () => {
    await waitFor(1000, 50, async () => (await srv.checks([0, -1, -2])) && (await srv.stateOk([0, -1, -2])()), "Cluster doesn't stabilize");
  }, 120_000);

  // test "Sanity test push cmd after resharding"
  it('Sanity test push cmd after resharding', async () => {
    expect(await srv.r(-2, 'lpush', 'key9184688', 'v1')).toMatch(/MOVED/);
    node1Rd = new Deferring(srv.port(0));
    node1Rd.send('brpop', 'key9184688', '0');
    await waitFor(50, 100, async () => (await srv.s(0, 'blocked_clients')) === '1', 'Client not blocked');
    await srv.r(0, 'lpush', 'key9184688', 'v2');
    expect(await node1Rd.read()).toBe('key9184688 v2');
    node3Rd.close();
  });

  // test "Run blocking command again on cluster node1"
  it('Run blocking command again on cluster node1', async () => {
    await srv.r(0, 'del', 'key9184688');
    // key9184688 is mapped to slot 10923 which has been moved to node1
    node1Rd.send('brpop', 'key9184688', '0');
    await waitFor(50, 100, async () => (await srv.s(0, 'blocked_clients')) === '1', 'Client not blocked');
  });

  // test "Kill a cluster node and wait for fail state"
  it('Kill a cluster node and wait for fail state', async () => {
    process.kill(srv.pid(-2), 'SIGSTOP');
    await waitFor(1000, 50, srv.stateOk([0, -1], 'fail'), "Cluster doesn't fail");
  }, 90_000);

  // test "Verify command got unblocked after cluster failure"
  it('Verify command got unblocked after cluster failure', async () => {
    expect(await node1Rd.read()).toMatch(/CLUSTERDOWN/);
    expect(await srv.s(0, 'blocked_clients')).toBe('0');
    expect(await srv.s(-1, 'blocked_clients')).toBe('0');
    process.kill(srv.pid(-2), 'SIGCONT');
  });
});

describe('tests/unit/cluster.tcl (Redis 7.0.15), 5 servers: functions on add-node', () => {
  const srv = new Servers();
  beforeAll(() => srv.start(5, () => BASE), 60_000);
  afterAll(() => srv.stop());

  // test {Functions are added to new node on redis-cli cluster add-node}
  it('Functions are added to new node on redis-cli cluster add-node', async () => {
    await create(srv, [0, -1, -2]);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2]), "Cluster doesn't stabilize");
    const lib = "#!lua name=TEST\n                               redis.register_function('test', function() return 'hello' end)\n                           ";
    // upload a function to all the cluster
    await exec(['--cluster-yes', '--cluster', 'call', `127.0.0.1:${srv.port(0)}`, 'FUNCTION', 'LOAD', lib]);
    // adding node to the cluster
    await exec(['--cluster-yes', '--cluster', 'add-node', `127.0.0.1:${srv.port(-3)}`, `127.0.0.1:${srv.port(0)}`]);
    await srv.waitForClusterSize(4);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2, -3]), "Cluster doesn't stabilize");
    // make sure 'test' function was added to the new node (--csv flattens the Tcl list
    // {{library_name TEST engine LUA functions {{name test description {} flags {}}}}})
    const list = '--csv';
    expect(await srv.r(-3, list, 'FUNCTION', 'LIST')).toBe('"library_name","TEST","engine","LUA","functions","name","test","description",NULL,"flags",');
    // add function to node 5
    expect(await srv.r(-4, 'FUNCTION', 'LOAD', "#!lua name=TEST\n            redis.register_function('test', function() return 'hello' end)\n        ")).toBe('TEST');
    // make sure functions was added to node 5
    expect(await srv.r(-4, list, 'FUNCTION', 'LIST')).toBe('"library_name","TEST","engine","LUA","functions","name","test","description",NULL,"flags",');
    // adding node 5 to the cluster should failed because it already contains the 'test' function
    const e = await exec(['--cluster-yes', '--cluster', 'add-node', `127.0.0.1:${srv.port(-4)}`, `127.0.0.1:${srv.port(0)}`]).then(() => '', (err: Error) => err.message);
    expect(e).toMatch(/node already contains functions/);
  }, 120_000);
});

// test {Migrate the last slot away from a node using redis-cli}
describe('tests/unit/cluster.tcl (Redis 7.0.15), 4 servers: last slot', () => {
  const srv = new Servers();
  beforeAll(() => srv.start(4, () => BASE), 60_000);
  afterAll(() => srv.stop());

  it('Migrate the last slot away from a node using redis-cli', async () => {
    // Create a cluster of 3 nodes
    await create(srv, [0, -1, -2]);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2]), "Cluster doesn't stabilize");
    // Insert some data
    expect(await exec(['-c', '-p', String(srv.port(0)), 'SET', 'foo', 'bar'])).toBe('OK');
    const slot = await exec(['-c', '-p', String(srv.port(0)), 'CLUSTER', 'KEYSLOT', 'foo']);
    // Add new node to the cluster
    await exec(['--cluster-yes', '--cluster', 'add-node', `127.0.0.1:${srv.port(-3)}`, `127.0.0.1:${srv.port(0)}`]);
    // First we wait for new node to be recognized by entire cluster
    await srv.waitForClusterSize(4);
    await waitFor(1000, 50, srv.stateOk([0, -1, -2, -3]), "Cluster doesn't stabilize");
    const newnodeId = await srv.r(-3, 'CLUSTER', 'MYID');
    // Find out which node has the key "foo" by asking the new node for a redirect.
    const e = await srv.r(-3, 'get', 'foo');
    expect(e).toMatch(new RegExp(`^MOVED ${slot} `));
    const [ownerHost, ownerPort] = e.split(' ')[2]!.split(':');
    const owner = (...a: string[]) => run('redis-cli', ['-h', ownerHost!, '-p', ownerPort!, ...a]).then((r) => r.stdout.toString().replace(/\n$/, ''));
    const ownerId = await owner('CLUSTER', 'MYID');
    // Move slot to new node using plain Redis commands
    expect(await srv.r(-3, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', ownerId)).toBe('OK');
    expect(await owner('CLUSTER', 'SETSLOT', slot, 'MIGRATING', newnodeId)).toBe('OK');
    expect(await owner('CLUSTER', 'GETKEYSINSLOT', slot, '10')).toBe('foo');
    expect(await owner('MIGRATE', '127.0.0.1', String(srv.port(-3)), '', '0', '5000', 'KEYS', 'foo')).toBe('OK');
    expect(await srv.r(-3, 'CLUSTER', 'SETSLOT', slot, 'NODE', newnodeId)).toBe('OK');
    expect(await owner('CLUSTER', 'SETSLOT', slot, 'NODE', newnodeId)).toBe('OK');
    // Using --cluster check make sure we won't get `Not all slots are covered by nodes`.
    await waitFor(1000, 50, async () => (await srv.checks([0, -1, -2, -3])) && (await srv.stateOk([0, -1, -2, -3])()), "Cluster doesn't stabilize");
    // Move the only slot back to original node using redis-cli
    await exec(['--cluster', 'reshard', `127.0.0.1:${srv.port(-3)}`, '--cluster-from', newnodeId, '--cluster-to', ownerId, '--cluster-slots', '1', '--cluster-yes']);
    // The empty node will become a replica of the new owner before the `MOVED` check
    await waitFor(1000, 50, srv.stateOk([0, -1, -2, -3]), "Cluster doesn't stabilize");
    // Check that the key foo has been migrated back to the original owner.
    expect(await srv.r(-3, 'get', 'foo')).toBe(`MOVED ${slot} ${ownerHost}:${ownerPort}`);
    // Check that the empty node has turned itself into a replica of the new owner
    await waitFor(1000, 50, async () => (await owner('CLUSTER', 'REPLICAS', ownerId)).includes('slave'), "Empty node didn't turn itself into a replica.");
  }, 180_000);
});

describeClusterPort();
