import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the long fuzz run (no servers needed, so no global setup).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    testTimeout: 1_800_000,
  },
});
