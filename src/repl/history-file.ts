/**
 * The history file, in linenoise's format (one entry per line, `\n`-terminated), shared with
 * redis-cli: read once at start, rewritten after each remembered line (linenoiseHistorySave), mode
 * 0600. A failure to write is reported once and the REPL goes on with the history in memory.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

/** Reads the entries; a missing or unreadable file is an empty history. */
export function loadHistoryFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  // linenoiseHistoryLoad: each line ends at its first \r or \n.
  return text
    .split('\n')
    .map((l) => {
      const cr = l.indexOf('\r');
      return cr === -1 ? l : l.slice(0, cr);
    })
    .filter((l) => l !== '');
}

/** Writes the history; on failure calls `onError` with the reason the first time only. */
export class HistoryFile {
  readonly path: string;
  private failed = false;
  private readonly onError: (message: string) => void;

  constructor(path: string, onError: (message: string) => void) {
    this.path = path;
    this.onError = onError;
  }

  save(entries: readonly string[]): boolean {
    const data = entries.length > 0 ? `${entries.join('\n')}\n` : '';
    try {
      writeFileSync(this.path, data, { mode: 0o600 });
      // An existing file keeps its mode on write: make it private as linenoise does (chmod 0600).
      chmodSync(this.path, 0o600);
      this.failed = false;
      return true;
    } catch (err) {
      if (!this.failed) {
        this.failed = true;
        const e = err as NodeJS.ErrnoException;
        this.onError(`could not write the history file ${this.path}: ${e.code ?? e.message}; history is kept in memory only`);
      }
      return false;
    }
  }
}
