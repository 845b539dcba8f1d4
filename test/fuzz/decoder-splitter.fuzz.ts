// `npm run fuzz`: FUZZ_RUNS inputs per property (default 60,000, so 120,000 in all) with a fresh seed.
// An input that fails is added to test/fixtures/fuzz-regressions.json, which npm test replays
// (test/unit/fuzz-replay.test.ts); the failure message gives the seed to run it again (FUZZ_SEED).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { check, decoderInput, splitterInput, type FuzzInput } from './properties.js';
import { saveRegression } from './regressions.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60_000);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);

function fuzz(arbitrary: fc.Arbitrary<FuzzInput>): void {
  const result = fc.check(fc.property(arbitrary, (input) => check(input)), { numRuns: RUNS, seed: SEED });
  if (result.failed) {
    const input = result.counterexample?.[0];
    if (input !== undefined) saveRegression(input);
    throw new Error(`${fc.defaultReportMessage(result) ?? 'failed'}\nsaved to test/fixtures/fuzz-regressions.json`);
  }
  console.log(`${RUNS} inputs, seed ${SEED}: ok`);
}

describe('fuzz', () => {
  it(`decoder: next() and read() agree, streamed output is formatReply's (${RUNS} inputs)`, () => fuzz(decoderInput), 1_800_000);
  it(`splitter: splitArgs is sdssplitargs, never throws (${RUNS} inputs)`, () => fuzz(splitterInput), 1_800_000);
});
