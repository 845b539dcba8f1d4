// The short part of Redis 7.0.15's tests/unit/cluster.tcl in npm test: `redis-cli --cluster create
// with cluster-port` and `--cluster add-node with cluster-port`, with tredis-cli in the place of
// src/redis-cli (all 13 tests: npm run test:cluster, test/cluster/redis-suite.test.ts).
import { describeClusterPort } from '../helpers/redis-suite.js';

describeClusterPort();
