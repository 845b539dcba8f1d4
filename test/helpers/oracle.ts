// The oracle: redis-cli 7.0.15, run side by side with tredis-cli. A test that needs it fails (it is
// never skipped) when it is missing or another version, saying how to install it: CI installs it,
// so a skip there would hide a broken set-up.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const WANTED = `redis-cli ${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { redisCliVersion: string }).redisCliVersion}`;

let found: string | undefined;

/** Throws unless `redis-cli --version` is the redis-cli tredis-cli mirrors (package.json `redisCliVersion`). */
export function requireRedisCli(): void {
  if (found === undefined) {
    try {
      found = execFileSync('redis-cli', ['--version'], { encoding: 'utf8' }).trim();
    } catch (err) {
      found = `none (${(err as Error).message.split('\n')[0]})`;
    }
  }
  if (found !== WANTED) {
    throw new Error(`this test compares with ${WANTED}, found: ${found}\nhint: apt-get install -y redis-tools (Debian/Ubuntu ship ${WANTED} in bookworm), or put ${WANTED} first on PATH`);
  }
}
