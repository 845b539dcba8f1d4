// Every fuzz input that ever failed (test/fixtures/fuzz-regressions.json) is replayed, and a short fuzz
// run (a fresh seed each time) keeps looking; `npm run fuzz` is the long run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, decoderInput, splitterInput } from '../fuzz/properties.js';
import { loadRegressions } from '../fuzz/regressions.js';

const saved = loadRegressions();

describe('fuzz regressions', () => {
  it('the regressions file reads', () => {
    expect(Array.isArray(saved)).toBe(true);
  });
  it.each(saved.map((input, i) => ({ i, input })))('#$i ($input.property)', ({ input }) => check(input));
});

describe('short fuzz run', () => {
  it('decoder: next() and read() agree, streamed output is formatReply\'s', () => {
    fc.assert(fc.property(decoderInput, (input) => check(input)), { numRuns: 1500 });
  });
  it('splitter: splitArgs is sdssplitargs', () => {
    fc.assert(fc.property(splitterInput, (input) => check(input)), { numRuns: 3000 });
  });
});
