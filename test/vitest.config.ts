import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// src/version.ts, as scripts/build.mjs defines it for the bundle.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; redisCliVersion: string };

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  define: { __TREDIS_VERSIONS__: JSON.stringify({ tredis: pkg.version, redisCli: pkg.redisCliVersion }) },
  test: {
    include: ['test/**/*.test.ts'],
    // The long cluster runs: npm run test:cluster (test/vitest.cluster.config.ts).
    exclude: ['test/cluster/**', '**/node_modules/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
