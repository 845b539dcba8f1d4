// The fuzz inputs that ever failed, kept in test/fixtures/fuzz-regressions.json and replayed by npm test.
import { readFileSync, writeFileSync } from 'node:fs';
import type { FuzzInput } from './properties.js';

const FILE = new URL('../fixtures/fuzz-regressions.json', import.meta.url);

export function loadRegressions(): FuzzInput[] {
  return (JSON.parse(readFileSync(FILE, 'utf8')) as { inputs: FuzzInput[] }).inputs;
}

export function saveRegression(input: FuzzInput): void {
  const inputs = loadRegressions();
  if (inputs.some((i) => JSON.stringify(i) === JSON.stringify(input))) return;
  inputs.push(input);
  writeFileSync(FILE, `${JSON.stringify({ about: 'fuzz inputs that once failed (npm run fuzz adds them; npm test replays them)', inputs }, null, 2)}\n`);
}
