// npm run test:cluster: the longer Redis Cluster tests (each file starts its own cluster).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Clusters are heavy on a small machine: one file at a time.
    fileParallelism: false,
  },
});
