/**
 * REPL preferences: `:set NAME` typed at the prompt or read from `~/.redisclirc` (REDISCLI_RCFILE),
 * mirroring cliSetPreferences / cliLoadPreferences of redis-cli 7.0.15, including its messages.
 * redis-cli knows `hints` / `nohints`; tredis-cli adds its own settings, each as NAME / noNAME or
 * `NAME on|off` (a redis-cli reading the same rc file prints "unknown preference" for them and goes on).
 */
import { splitArgs } from '../modes/split-line.js';

export interface Preferences {
  /** Dimmed argument hints (redis-cli: on). */
  hints: boolean;
  /** Tab completes key names from seen keys and a bounded SCAN. */
  keycomplete: boolean;
  /** The `[TLS]` prompt badge. */
  tlsprompt: boolean;
  /** Ask before FLUSHALL, FLUSHDB, KEYS *, SHUTDOWN, DEBUG. */
  confirm: boolean;
}

export function defaultPreferences(): Preferences {
  return { hints: true, keycomplete: true, tlsprompt: true, confirm: true };
}

/** The settings and what they do, for `:help` and the manual. */
export const PREFERENCE_HELP: ReadonlyArray<[keyof Preferences, string]> = [
  ['hints', 'show the syntax of the command being typed, dimmed (redis-cli)'],
  ['keycomplete', 'Tab completes key names (seen keys + a bounded SCAN, never KEYS)'],
  ['tlsprompt', `show ${'[TLS]'} in the prompt when the connection is encrypted`],
  ['confirm', 'ask before FLUSHALL, FLUSHDB, KEYS *, SHUTDOWN and DEBUG'],
];

const NAMES = new Set<string>(PREFERENCE_HELP.map(([n]) => n));

/**
 * Applies one `:set …` (or any other `:word` line) to `prefs`. Returns the message redis-cli prints
 * (to stdout), or null. `interactive` is false for rc-file lines: messages get `.redisclirc: `.
 */
export function applyPreference(prefs: Preferences, argv: readonly string[], interactive: boolean): string | null {
  const where = interactive ? '' : '.redisclirc: ';
  if (argv.length >= 2 && argv[0]!.toLowerCase() === ':set') {
    const raw = argv[1]!;
    const word = raw.toLowerCase();
    const value = argv[2]?.toLowerCase();
    let name = word;
    let on = true;
    if (!NAMES.has(word) && word.startsWith('no') && NAMES.has(word.slice(2))) {
      name = word.slice(2);
      on = false;
    }
    if (NAMES.has(name)) {
      if (on && value !== undefined) {
        if (value === 'off' || value === 'no' || value === 'false' || value === '0') on = false;
        else if (!(value === 'on' || value === 'yes' || value === 'true' || value === '1')) {
          return `${where}unknown value '${argv[2]}' for '${raw}' (on or off)\n`;
        }
      }
      prefs[name as keyof Preferences] = on;
      return null;
    }
    return `${where}unknown redis-cli preference '${raw}'\n`;
  }
  return `${where}unknown redis-cli internal command '${argv[0] ?? ''}'\n`;
}

/** Reads rc-file text: every non-empty line goes through applyPreference; returns the messages. */
export function loadPreferences(prefs: Preferences, text: string): string[] {
  const messages: string[] = [];
  for (const line of text.split('\n')) {
    const argv = splitArgs(Buffer.from(line, 'utf8'));
    if (argv === null || argv.length === 0) continue;
    const msg = applyPreference(prefs, argv.map((a) => a.toString('utf8')), false);
    if (msg !== null) messages.push(msg);
  }
  return messages;
}
