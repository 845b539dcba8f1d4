/**
 * C printf's `%.Nf` as glibc prints it: the exact binary value rounded half to even (JavaScript's
 * toFixed rounds an exact tie such as 1.125 up), `inf`/`-nan` as glibc spells them, and `%0W.Nf`
 * zero padding (never for inf/nan, which are padded with spaces).
 */
export function cFixed(x: number, digits: number, width = 0, zeroPad = false): string {
  let s: string;
  if (Number.isNaN(x)) s = '-nan'; // 0.0/0 on x86 has the sign bit set
  else if (!Number.isFinite(x)) s = x > 0 ? 'inf' : '-inf';
  else s = roundHalfEven(x, digits);
  if (s.length >= width) return s;
  if (zeroPad && Number.isFinite(x)) {
    const neg = s.startsWith('-');
    return (neg ? '-' : '') + s.slice(neg ? 1 : 0).padStart(width - (neg ? 1 : 0), '0');
  }
  return s.padStart(width, ' ');
}

function roundHalfEven(x: number, digits: number): string {
  // A tie at `digits` decimals needs an exact decimal 5 right after them, which a double can only
  // hold with few fractional bits: x * 2^(digits+1) is then an integer.
  const scaled = x * 2 ** (digits + 1);
  if (Number.isInteger(scaled)) {
    const longer = Math.abs(x).toFixed(digits + 1);
    if (longer.endsWith('5')) {
      const down = longer.slice(0, -1); // truncated toward zero
      const lastDigit = Number(down.replace('.', '').slice(-1));
      const kept = lastDigit % 2 === 0 ? down.replace(/\.$/, '') : (Math.abs(x) + 10 ** -(digits + 1)).toFixed(digits);
      return (x < 0 ? '-' : '') + (kept.endsWith('.') ? kept.slice(0, -1) : kept);
    }
  }
  return x.toFixed(digits);
}
