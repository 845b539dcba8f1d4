import { describe, expect, it } from 'vitest';
import { replyAllowanceMs } from '../../../src/commands/traits.js';

const w = (line: string) => line.split(' ');

// --reply-timeout 2 s: what each command may take before it is given up.
describe('replyAllowanceMs', () => {
  it.each([
    { input: 'GET k', expected: 2000 },
    { input: 'BLPOP a b 5', expected: 7000 },
    { input: 'BRPOP a 0.5', expected: 2500 },
    { input: 'BLPOP a 0', expected: Infinity },
    { input: 'BZPOPMIN z 1', expected: 3000 },
    { input: 'BLMOVE a b LEFT RIGHT 3', expected: 5000 },
    { input: 'BLMPOP 4 1 a LEFT', expected: 6000 },
    { input: 'BZMPOP 0 1 z MIN', expected: Infinity },
    { input: 'BRPOPLPUSH a b 1', expected: 3000 },
    { input: 'WAIT 1 500', expected: 2500 },
    { input: 'WAIT 1 0', expected: Infinity },
    { input: 'XREAD BLOCK 1500 STREAMS s $', expected: 3500 },
    { input: 'XREAD COUNT 2 STREAMS s 0', expected: 2000 },
    { input: 'XREADGROUP GROUP g c BLOCK 0 STREAMS s >', expected: Infinity },
    { input: 'SUBSCRIBE ch', expected: Infinity },
    { input: 'PSUBSCRIBE p*', expected: Infinity },
    { input: 'MONITOR', expected: Infinity },
    // A bad timeout is answered with an error at once: only the reply timeout applies.
    { input: 'BLPOP a -1', expected: 2000 },
    { input: 'BLPOP a soon', expected: 2000 },
  ])('$input → $expected ms', ({ input, expected }) => {
    expect(replyAllowanceMs(w(input), 2000)).toBe(expected);
  });
});
