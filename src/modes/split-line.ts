/** Lines up to this length are scanned by a JS loop rather than native indexOf calls. */
const SHORT_LINE = 128;

/**
 * Splits a line into arguments exactly as hiredis `sdssplitargs` (redis-cli 7.0.15 `cliSplitArgs`):
 * double quotes with `\xHH`, `\n \r \t \b \a` and `\c` escapes; single quotes where only `\'` is an
 * escape; a closing quote must be followed by white space or the end; quotes may start mid-token.
 * Works on bytes (latin1 view of a Buffer) so binary input stays binary. Returns null on bad quoting.
 */
export function splitArgs(line: Buffer, from = 0, to = line.length): Buffer[] | null {
  // A C string ends at its first NUL byte. A short line (most are) is scanned once in JS for NUL and
  // quotes: three native indexOf calls cost more than the loop.
  let end = to;
  let quoted = false;
  if (to - from <= SHORT_LINE) {
    for (let i = from; i < to; i++) {
      const c = line[i]!;
      if (c === 0) {
        end = i;
        break;
      }
      if (c === 0x22 || c === 0x27) quoted = true;
    }
  } else {
    const nul = line.indexOf(0, from);
    if (nul !== -1 && nul < to) end = nul;
    const dq = line.indexOf(0x22, from);
    const sq = line.indexOf(0x27, from);
    quoted = (dq !== -1 && dq < to) || (sq !== -1 && sq < to);
  }
  // the common case, no quotes: tokens are views of `line`, made straight from the range
  if (!quoted) return splitPlain(line, from, end);
  if (from !== 0 || to !== line.length) {
    line = line.subarray(from, to);
    end -= from;
  }
  const out: Buffer[] = [];
  let p = 0;
  const at = (i: number): number => (i < end ? line[i]! : 0);
  while (true) {
    while (p < end && isCSpace(line[p]!)) p++;
    if (p >= end) return out;
    const cur: number[] = [];
    let inq = false;
    let insq = false;
    let done = false;
    let runStart = -1; // start of a run of plain bytes copied at once
    const flush = (upTo: number) => {
      if (runStart !== -1) {
        for (let i = runStart; i < upTo; i++) cur.push(line[i]!);
        runStart = -1;
      }
    };
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 0x5c && at(p + 1) === 0x78 && isHex(at(p + 2)) && isHex(at(p + 3))) {
          flush(p);
          cur.push(hexVal(at(p + 2)) * 16 + hexVal(at(p + 3)));
          p += 3;
        } else if (c === 0x5c && at(p + 1) !== 0) {
          flush(p);
          p++;
          const e = at(p);
          cur.push(e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e);
        } else if (c === 0x22) {
          flush(p);
          if (at(p + 1) !== 0 && !isCSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null; // unterminated quotes
        } else if (runStart === -1) {
          runStart = p;
        }
      } else if (insq) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          flush(p);
          p++;
          cur.push(0x27);
        } else if (c === 0x27) {
          flush(p);
          if (at(p + 1) !== 0 && !isCSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else if (runStart === -1) {
          runStart = p;
        }
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        flush(p);
        done = true;
      } else if (c === 0x22) {
        flush(p);
        inq = true;
      } else if (c === 0x27) {
        flush(p);
        insq = true;
      } else if (runStart === -1) {
        runStart = p;
      }
      if (p < end) p++;
    }
    out.push(Buffer.from(cur));
  }
}

/**
 * The common case, a line without quotes: tokens are views of the line. Same rules as the full
 * splitter: blanks skipped with isspace, a token ends at space, \n, \r, \t (\v and \f stay inside).
 */
function splitPlain(line: Buffer, from: number, end: number): Buffer[] {
  const out: Buffer[] = [];
  let p = from;
  while (true) {
    while (p < end && isCSpace(line[p]!)) p++;
    if (p >= end) return out;
    const start = p;
    while (p < end) {
      const c = line[p]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
      p++;
    }
    out.push(line.subarray(start, p));
  }
}

/** C `isspace` in the C locale. */
function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexVal(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

/**
 * redis-cli's repeat prefix: `strtol(argv[0])` consumed whole and more than one argument.
 * Returns the count, 'invalid' (≤0 or out of range: "Invalid redis-cli repeat command option value."),
 * or null when the first word is not a count.
 */
export function parseRepeatPrefix(args: Buffer[]): number | 'invalid' | null {
  if (args.length < 2) return null;
  // Most lines start with a command name: no string, no regex for them (piped stdin runs this per line).
  const first = args[0]![0];
  if (first !== undefined && !((first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2d || (first >= 0x09 && first <= 0x0d) || first === 0x20)) return null;
  const s = args[0]!.toString('latin1');
  // strtol: optional leading white space, sign, digits; the whole token must be consumed.
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)$/.exec(s);
  if (!m) return null;
  if (m[2] === '') {
    // No digits: strtol consumed nothing, endptr points at the start; only an empty token ends there.
    return s === '' ? 'invalid' : null;
  }
  const v = BigInt(m[1] === '-' ? `-${m[2]}` : m[2]!);
  if (v <= 0n || v > 9223372036854775807n) return 'invalid';
  return Number(v);
}
