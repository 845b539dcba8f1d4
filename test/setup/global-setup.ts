// vitest global setup: make the TLS lab's certificates (cached in .tmp/certs) and start its
// redis-server processes once for the whole run; tests read it through env.ts `lab()`.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startLab, stopLab, type LabDescription } from '../../scripts/lib/tls-lab.mjs';
import type {} from './env.js'; // ProvidedContext['lab']

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const labDir = path.join(os.tmpdir(), `tredis-test-${process.pid}`);
  const certsDir = path.join(repoRoot, '.tmp', 'certs');
  await rm(labDir, { recursive: true, force: true });

  let lab: LabDescription | undefined;
  const teardown = async (): Promise<void> => {
    try {
      if (lab) await stopLab(lab);
    } finally {
      await rm(labDir, { recursive: true, force: true });
    }
  };

  try {
    // startLab stops the servers it did start if another one fails.
    lab = await startLab(labDir, { certsDir });
    provide('lab', lab);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
