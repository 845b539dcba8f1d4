import { describe, expect, it } from 'vitest';
import { cFixed } from '../../../src/format/printf.js';

// Expected values printed by glibc's printf (C doubles) on this machine.
describe('cFixed (printf %.Nf / %0W.Nf)', () => {
  it.each([
    [1.125, 2, 0, false, '1.12'],
    [0.125, 2, 0, false, '0.12'],
    [1.375, 2, 0, false, '1.38'],
    [-1.125, 2, 0, false, '-1.12'],
    [2.5, 0, 0, false, '2'],
    [3.5, 0, 0, false, '4'],
    [1.5, 2, 0, false, '1.50'],
    [100 / 6, 2, 5, true, '16.67'],
    [0, 2, 5, true, '00.00'],
    [100, 2, 5, true, '100.00'],
    [Infinity, 2, 5, true, '  inf'],
    [NaN, 2, 5, true, ' -nan'],
  ])('%s %%.%d (width %d, zero %s) → %s', (x, digits, width, zero, want) => {
    expect(cFixed(x, digits, width, zero)).toBe(want);
  });
});
