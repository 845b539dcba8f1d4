/**
 * Key names for Tab completion (tredis-cli; redis-cli completes no keys): the keys seen in replies
 * of KEYS and SCAN and typed as key arguments of commands that succeeded, per database, plus a
 * bounded SCAN at Tab time (a few calls with COUNT, a cap on keys and time; never KEYS).
 */
import type { RespValue } from '../resp/value.js';
import type { CommandEntry } from './command-docs.js';
import { isKeyArgument } from './completion.js';
import { matchEntry } from './hints.js';

/** Limits of the SCAN made for one Tab press. */
export interface ScanLimits {
  /** COUNT of each SCAN call. */
  count: number;
  /** At most this many calls. */
  maxCalls: number;
  /** Stop once this many keys matched. */
  maxKeys: number;
  /** Stop after this long (ms), keeping what came. */
  timeoutMs: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { count: 100, maxCalls: 5, maxKeys: 200, timeoutMs: 300 };

/** The key as text when it is valid UTF-8 (others are not offered). */
function keyText(b: Buffer): string | null {
  const s = b.toString('utf8');
  return Buffer.byteLength(s) === b.length && !s.includes('\ufffd') ? s : null;
}

function is(arg: Buffer | undefined, word: string): boolean {
  return arg !== undefined && arg.length === word.length && arg.toString('latin1').toLowerCase() === word;
}

/** Keys in a reply of KEYS (an array) or SCAN ([cursor, keys]). */
function replyKeys(argv: readonly Buffer[], reply: RespValue): Buffer[] {
  const strings = (v: RespValue | undefined) => (v && (v.kind === 'array' || v.kind === 'set') ? v.items.flatMap((i) => (i.kind === 'bulk' ? [i.value] : [])) : []);
  if (is(argv[0], 'keys')) return strings(reply);
  if (is(argv[0], 'scan') && (reply.kind === 'array' || reply.kind === 'push')) return strings(reply.items[1]);
  return [];
}

/**
 * Whether a reply to `argv` opening an aggregate of `count` elements should be kept whole to learn
 * key names from it: a KEYS reply of at most `max` keys, a SCAN reply ([cursor, keys], sized by its
 * COUNT). Anything else, a larger KEYS reply included, is printed as it decodes and not kept.
 */
export function learnsFromReply(argv: ReadonlyArray<Buffer | string>, count: number, max: number): boolean {
  const name = argv[0];
  if (name === undefined) return false;
  const word = typeof name === 'string' ? name.toLowerCase() : name.toString('latin1').toLowerCase();
  return (word === 'keys' && count <= max) || (word === 'scan' && count === 2);
}

/** Glob-escapes a prefix for SCAN MATCH. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Recently seen keys per database, bounded (least recently seen dropped first). */
export class KeyCache {
  private readonly byDb = new Map<number, Map<string, true>>();
  readonly max: number;

  constructor(max = 5000) {
    this.max = max;
  }

  private db(db: number): Map<string, true> {
    let m = this.byDb.get(db);
    if (!m) this.byDb.set(db, (m = new Map()));
    return m;
  }

  add(db: number, key: string): void {
    const m = this.db(db);
    m.delete(key);
    m.set(key, true);
    if (m.size > this.max) m.delete(m.keys().next().value!);
  }

  delete(db: number, key: string): void {
    this.byDb.get(db)?.delete(key);
  }

  keys(db: number): string[] {
    return [...(this.byDb.get(db)?.keys() ?? [])];
  }

  /** Forgets everything (another server). */
  clear(): void {
    this.byDb.clear();
  }

  /**
   * Learns from one command and its reply: keys listed by KEYS/SCAN; key arguments of a command
   * that did not fail (DEL/UNLINK forget them instead).
   */
  noteReply(db: number, argv: readonly Buffer[], reply: RespValue, commands: readonly CommandEntry[]): void {
    for (const k of replyKeys(argv, reply)) {
      const t = keyText(k);
      if (t !== null) this.add(db, t);
    }
    if (reply.kind === 'error' || reply.kind === 'null') return;
    const m = matchEntry(argv, commands);
    if (!m) return;
    const forget = is(argv[0], 'del') || is(argv[0], 'unlink');
    for (let i = m.words; i < argv.length; i++) {
      if (!isKeyArgument(m.entry.args, i - m.words)) continue;
      const t = keyText(argv[i]!);
      if (t === null) continue;
      if (forget) this.delete(db, t);
      else this.add(db, t);
    }
  }
}

/**
 * Keys starting with `prefix`, from SCAN calls through `send`, within `limits`. Errors end the scan
 * quietly (an ACL may forbid SCAN): completion then uses the seen keys only.
 */
export async function scanKeys(send: (args: string[]) => Promise<RespValue>, prefix: string, limits: ScanLimits = DEFAULT_SCAN_LIMITS, now: () => number = Date.now): Promise<string[]> {
  const found = new Set<string>();
  const deadline = now() + limits.timeoutMs;
  let cursor = '0';
  const pattern = `${globEscape(prefix)}*`;
  for (let call = 0; call < limits.maxCalls; call++) {
    let reply: RespValue;
    try {
      const p = send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(limits.count)]);
      const left = deadline - now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), left)));
      const r = await Promise.race([p, timeout]);
      clearTimeout(timer);
      if (r === null) break;
      reply = r;
    } catch {
      break;
    }
    if (reply.kind !== 'array' || reply.items.length !== 2) break;
    const [c, keys] = reply.items;
    for (const k of keys && (keys.kind === 'array' || keys.kind === 'set') ? keys.items : []) {
      if (k.kind !== 'bulk') continue;
      const t = keyText(k.value);
      if (t !== null) found.add(t);
    }
    cursor = c && c.kind === 'bulk' ? c.value.toString('latin1') : '0';
    if (cursor === '0' || found.size >= limits.maxKeys || now() >= deadline) break;
  }
  return [...found];
}
