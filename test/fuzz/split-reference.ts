// The reference model for the line-splitter fuzz: hiredis `sdssplitargs` (sds.c, redis 7.0.15)
// transcribed as plainly as possible, one byte at a time over a NUL-terminated copy of the line,
// with none of the shortcuts of src/modes/split-line.ts (no fast path, no runs copied at once).
import { Buffer } from 'node:buffer';

/** C `isspace` in the C locale. */
const isspace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isHexDigit = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const hexDigitToInt = (c: number) => (c <= 0x39 ? c - 0x30 : c <= 0x46 ? c - 0x41 + 10 : c - 0x61 + 10);

export function splitArgsReference(line: Buffer): Buffer[] | null {
  const s = Buffer.concat([line, Buffer.from([0])]); // a C string: `*p` is 0 at the end
  let p = 0;
  const vector: Buffer[] = [];
  for (;;) {
    while (s[p] !== 0 && isspace(s[p]!)) p++; // skip blanks
    if (s[p] === 0) return vector;
    let inq = false;
    let insq = false;
    let done = false;
    const current: number[] = [];
    while (!done) {
      const c = s[p]!;
      if (inq) {
        if (c === 0x5c && s[p + 1] === 0x78 && isHexDigit(s[p + 2]!) && isHexDigit(s[p + 3]!)) {
          current.push(hexDigitToInt(s[p + 2]!) * 16 + hexDigitToInt(s[p + 3]!));
          p += 3;
        } else if (c === 0x5c && s[p + 1] !== 0) {
          p++;
          const e = s[p]!;
          current.push(e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e);
        } else if (c === 0x22) {
          if (s[p + 1] !== 0 && !isspace(s[p + 1]!)) return null; // closing quote must be followed by a space or nothing
          done = true;
        } else if (c === 0) {
          return null; // unterminated quotes
        } else {
          current.push(c);
        }
      } else if (insq) {
        if (c === 0x5c && s[p + 1] === 0x27) {
          p++;
          current.push(0x27);
        } else if (c === 0x27) {
          if (s[p + 1] !== 0 && !isspace(s[p + 1]!)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          current.push(c);
        }
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        done = true;
      } else if (c === 0x22) {
        inq = true;
      } else if (c === 0x27) {
        insq = true;
      } else {
        current.push(c);
      }
      if (s[p] !== 0) p++;
    }
    vector.push(Buffer.from(current));
  }
}
