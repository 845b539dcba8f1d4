#!/usr/bin/env node
// Records redis-cli's `--help` output into test/fixtures/redis-cli-help.json, the expectation that
// test/unit/cli/usage.test.ts derives tredis-cli's `--help` from (redis-cli's text plus the
// differences written down there).
//
// Usage: node scripts/record-help.mjs [out.json]
//   REDIS_CLI=/path/to/redis-cli (default: redis-cli on PATH; must be package.json `redisCliVersion`)
//
// Provenance: the file names the program's `--version` and the exit code; the recording refuses
// another version. Plain Node ESM, node:* only.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REDIS_CLI = process.env.REDIS_CLI ?? 'redis-cli';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const expected = `redis-cli ${JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).redisCliVersion}`;
const outFile = path.resolve(process.argv[2] ?? path.join(repoRoot, 'test/fixtures/redis-cli-help.json'));

let version;
try {
  version = execFileSync(REDIS_CLI, ['--version'], { encoding: 'utf8' }).trim();
} catch (err) {
  process.stderr.write(`record-help: cannot run ${REDIS_CLI}: ${err.message.split('\n')[0]}\nhint: apt-get install -y redis-tools\n`);
  process.exit(1);
}
if (version !== expected) {
  process.stderr.write(`record-help: ${REDIS_CLI} is ${version}, expected ${expected}\n`);
  process.exit(1);
}
const r = spawnSync(REDIS_CLI, ['--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
if (r.status !== 0 || r.stderr !== '') {
  process.stderr.write(`record-help: ${REDIS_CLI} --help exited ${r.status} with stderr ${JSON.stringify(r.stderr)}\n`);
  process.exit(1);
}
const doc = {
  description: `stdout of \`${path.basename(REDIS_CLI)} --help\`, recorded by scripts/record-help.mjs`,
  redisCli: version,
  exitCode: r.status,
  stdout: r.stdout,
};
writeFileSync(outFile, JSON.stringify(doc, null, 1) + '\n');
console.log(`wrote ${r.stdout.split('\n').length - 1} lines of ${version} --help to ${path.relative(process.cwd(), outFile)}`);
