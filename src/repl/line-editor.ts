/**
 * A small line editor on a raw-mode terminal, with linenoise's behaviour (redis-cli's editor):
 * multi-line wrapping, dimmed hints after the text, Tab cycling through whole-line completions
 * (Esc restores, any other key accepts), history with Up/Down, and the Emacs keys linenoise has.
 * Added: Ctrl-R reverse search, Alt-B/F and Ctrl-Left/Right word moves, Ctrl-C that cancels the
 * line instead of quitting, and key presses queued while a command runs (paste several lines).
 *
 * Only terminal I/O lives here; the editing operations (edit-buffer.ts), hints, completion and the
 * history rules are pure modules passed in.
 */
import { emitKeypressEvents } from 'node:readline';
import type { ReadStream, WriteStream } from 'node:tty';
import * as ed from './edit-buffer.js';
import type { LineState } from './edit-buffer.js';
import { searchBackward, type HistoryList } from './history.js';
import { stringWidth, truncateToWidth } from './width.js';

/** What node:readline's keypress event carries. */
export interface Key {
  sequence?: string;
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

export interface EditorHooks {
  /** The hint for a line (hints.ts), or null. */
  hint?: ((text: string) => string | null) | undefined;
  /** Whole-line candidates for the text left of the cursor (completion.ts). */
  complete?: ((before: string) => Promise<string[]> | string[]) | undefined;
  /** Ctrl-C pressed while no line is being read (a command runs). */
  onInterrupt?: (() => void) | undefined;
}

export interface ReadOptions {
  /** Up/Down and Ctrl-R over the history (off for questions). */
  history?: boolean;
  hints?: boolean;
  complete?: boolean;
}

/** linenoise's hint colour: not bold, grey (90), default background. */
const HINT_ON = '\x1b[0;90;49m';
const HINT_OFF = '\x1b[0m';
const BEEP = '\x07';

interface Completion {
  candidates: string[];
  index: number;
  original: LineState;
  tail: string;
}

interface Search {
  query: string;
  /** Index in history of the match shown, or -1. */
  match: number;
  failed: boolean;
  original: LineState;
}

export class LineEditor {
  private readonly input: ReadStream;
  private readonly output: WriteStream;
  private readonly hooks: EditorHooks;
  private readonly history: HistoryList;
  private readonly queue: Array<[string | undefined, Key]> = [];
  private draining = false;
  private started = false;
  private suspended = false;

  // State of the line being read.
  private reading: { resolve: (line: string | null) => void; opts: Required<ReadOptions> } | undefined;
  private prompt = '';
  private line: LineState = ed.EMPTY_LINE;
  private nav: string[] = [];
  private navIndex = 0;
  private completion: Completion | undefined;
  private search: Search | undefined;
  /** Row of the cursor, counted from the prompt's first row, after the last render. */
  private cursorRow = 0;
  /** Rows the last render used. */
  private rows = 1;

  private readonly onKeypress = (str: string | undefined, key: Key | undefined) => {
    const k: Key = key ?? { sequence: str };
    if (!this.reading && k.ctrl && k.name === 'c') {
      this.hooks.onInterrupt?.();
      return;
    }
    this.queue.push([str, k]);
    void this.drain();
  };

  private readonly onEnd = () => {
    this.queue.push([undefined, { name: 'eof' }]);
    void this.drain();
  };

  private readonly onResize = () => {
    if (this.reading) this.render();
  };

  constructor(input: ReadStream, output: WriteStream, history: HistoryList, hooks: EditorHooks = {}) {
    this.input = input;
    this.output = output;
    this.history = history;
    this.hooks = hooks;
  }

  /** Raw mode on, key presses listened to (and queued until a line is read). */
  start(): void {
    if (this.started) return;
    this.started = true;
    emitKeypressEvents(this.input);
    this.input.setRawMode(true);
    this.input.on('keypress', this.onKeypress);
    this.input.on('end', this.onEnd);
    this.output.on('resize', this.onResize);
    this.input.resume();
  }

  /** Back to the terminal's normal mode. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.input.off('keypress', this.onKeypress);
    this.input.off('end', this.onEnd);
    this.output.off('resize', this.onResize);
    if (this.input.isTTY) this.input.setRawMode(false);
    this.input.pause();
  }

  /** Hands the terminal to someone else (a passphrase prompt): no raw mode, keys not read. */
  suspend(): void {
    if (!this.started || this.suspended) return;
    this.suspended = true;
    this.input.off('keypress', this.onKeypress);
    this.input.setRawMode(false);
  }

  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.input.setRawMode(true);
    this.input.on('keypress', this.onKeypress);
    this.input.resume();
  }

  get isReading(): boolean {
    return this.reading !== undefined;
  }

  /** Reads one line. Resolves null at Ctrl-D on an empty line or the end of input. */
  readLine(prompt: string, opts: ReadOptions = {}): Promise<string | null> {
    return new Promise((resolve) => {
      this.reading = { resolve, opts: { history: opts.history ?? true, hints: opts.hints ?? true, complete: opts.complete ?? true } };
      this.prompt = prompt;
      this.line = ed.EMPTY_LINE;
      this.nav = [...this.history.entries, ''];
      this.navIndex = this.nav.length - 1;
      this.completion = undefined;
      this.search = undefined;
      this.cursorRow = 0;
      this.rows = 1;
      this.render();
      void this.drain();
    });
  }

  /** Changes the prompt of the line being read (e.g. after a reconnect) and redraws. */
  setPrompt(prompt: string): void {
    this.prompt = prompt;
    if (this.reading) this.render();
  }

  /**
   * Output that must appear while a line is being edited (a RESP3 push): the prompt is wiped, `fn`
   * writes, and the line is drawn again below.
   */
  printAbove(fn: () => void): void {
    if (!this.reading) {
      fn();
      return;
    }
    this.wipe();
    fn();
    this.render();
  }

  /** Clears the screen (`clear`, Ctrl-L), cursor home. */
  clearScreen(): void {
    this.output.write('\x1b[H\x1b[2J');
    this.cursorRow = 0;
    this.rows = 1;
    if (this.reading) this.render();
  }

  // --- key handling ---------------------------------------------------------------------------

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.reading && this.queue.length > 0) {
        const [str, key] = this.queue.shift()!;
        await this.handle(str, key);
      }
    } finally {
      this.draining = false;
    }
  }

  private finish(value: string | null): void {
    const r = this.reading;
    if (!r) return;
    this.reading = undefined;
    r.resolve(value);
  }

  private async handle(str: string | undefined, key: Key): Promise<void> {
    if (key.name === 'eof') {
      this.endLine();
      this.finish(null);
      return;
    }
    if (this.search) {
      if (this.handleSearchKey(str, key)) return;
    }
    if (this.completion) {
      const c = this.completion;
      if (key.name === 'tab' && !key.shift) {
        c.index = (c.index + 1) % (c.candidates.length + 1);
        if (c.index === c.candidates.length) this.output.write(BEEP);
        this.render();
        return;
      }
      this.completion = undefined;
      if (key.name === 'escape') {
        this.line = c.original;
        this.render();
        return;
      }
      if (c.index < c.candidates.length) {
        const cand = c.candidates[c.index]!;
        this.line = { text: cand + c.tail, pos: cand.length };
      }
      // then the key does what it always does
    }
    await this.handleKey(str, key);
  }

  private async handleKey(str: string | undefined, key: Key): Promise<void> {
    const opts = this.reading!.opts;
    const name = key.name;
    if (key.ctrl && !key.meta) {
      switch (name) {
        case 'a': return this.edit(ed.moveHome);
        case 'e': return this.edit(ed.moveEnd);
        case 'b': return this.edit(ed.moveLeft);
        case 'f': return this.edit(ed.moveRight);
        case 'k': return this.edit(ed.killToEnd);
        case 'u': return this.edit(ed.killLine);
        case 'w': return this.edit(ed.deleteWordBack);
        case 't': return this.edit(ed.transpose);
        case 'h': return this.edit(ed.deleteBack);
        case 'p': return this.historyMove(1);
        case 'n': return this.historyMove(-1);
        case 'l': return this.clearScreen();
        case 'left': return this.edit(ed.wordLeft);
        case 'right': return this.edit(ed.wordRight);
        case 'c':
          this.endLine('^C');
          if (!opts.history) {
            this.finish(''); // a question (confirmation): Ctrl-C answers "no"
            return;
          }
          this.line = ed.EMPTY_LINE;
          this.navIndex = this.nav.length - 1;
          this.nav[this.navIndex] = '';
          this.render();
          return;
        case 'd':
          if (this.line.text.length === 0) {
            this.endLine();
            this.finish(null);
            return;
          }
          return this.edit(ed.deleteForward);
        case 'r':
          if (!opts.history) return;
          this.search = { query: '', match: -1, failed: false, original: this.line };
          this.render();
          return;
        case 'j':
          return this.submit();
        case 'z':
          return this.suspendProcess();
        default:
          return;
      }
    }
    if (key.meta && !key.ctrl) {
      if (name === 'b' || name === 'left') return this.edit(ed.wordLeft);
      if (name === 'f' || name === 'right') return this.edit(ed.wordRight);
      if (name === 'backspace') return this.edit(ed.deleteWordBack);
      return;
    }
    switch (name) {
      case 'return':
      case 'enter':
        return this.submit();
      case 'backspace':
        return this.edit(ed.deleteBack);
      case 'delete':
        return this.edit(ed.deleteForward);
      case 'left':
        return this.edit(ed.moveLeft);
      case 'right':
        return this.edit(ed.moveRight);
      case 'home':
        return this.edit(ed.moveHome);
      case 'end':
        return this.edit(ed.moveEnd);
      case 'up':
        return this.historyMove(1);
      case 'down':
        return this.historyMove(-1);
      case 'tab':
        return this.startCompletion();
      case 'escape':
        return;
      default:
        break;
    }
    // Printable text (one character per key press; several when the terminal sends them at once).
    if (str !== undefined && str.length > 0 && !/[\x00-\x1f\x7f]/.test(str)) {
      this.edit((s) => ed.insert(s, str));
    }
  }

  private edit(op: (s: LineState) => LineState): void {
    this.line = op(this.line);
    this.render();
  }

  /** linenoiseEditHistoryNext: 1 = older, -1 = newer; the line being edited is kept while moving. */
  private historyMove(dir: 1 | -1): void {
    if (!this.reading!.opts.history || this.nav.length <= 1) return;
    const next = this.navIndex - dir;
    if (next < 0 || next >= this.nav.length) return;
    this.nav[this.navIndex] = this.line.text;
    this.navIndex = next;
    const text = this.nav[next]!;
    this.line = { text, pos: text.length };
    this.render();
  }

  private async startCompletion(): Promise<void> {
    const opts = this.reading!.opts;
    if (!opts.complete || !this.hooks.complete) return;
    const before = this.line.text.slice(0, this.line.pos);
    const tail = this.line.text.slice(this.line.pos);
    let candidates: string[];
    try {
      candidates = await this.hooks.complete(before);
    } catch {
      candidates = [];
    }
    if (!this.reading) return;
    if (candidates.length === 0) {
      this.output.write(BEEP);
      return;
    }
    this.completion = { candidates, index: 0, original: this.line, tail };
    this.render();
  }

  /** Keys in Ctrl-R mode; returns false when the key ends the search and must be handled normally. */
  private handleSearchKey(str: string | undefined, key: Key): boolean {
    const s = this.search!;
    const entries = this.history.entries;
    const accept = () => {
      this.search = undefined;
      if (s.match >= 0) {
        const text = entries[s.match]!;
        this.line = { text, pos: text.length };
      }
    };
    if (key.ctrl && key.name === 'r') {
      const from = s.match >= 0 ? s.match : entries.length;
      const i = searchBackward(entries, s.query, from);
      if (i >= 0) s.match = i;
      else this.output.write(BEEP);
      s.failed = i < 0 && s.query !== '';
      this.render();
      return true;
    }
    if ((key.ctrl && (key.name === 'g' || key.name === 'c')) || (key.name === 'escape' && s.match < 0)) {
      this.search = undefined;
      this.line = s.original;
      this.render();
      return true;
    }
    if (key.name === 'backspace' || (key.ctrl && key.name === 'h')) {
      s.query = s.query.slice(0, -1);
      s.match = searchBackward(entries, s.query, entries.length);
      s.failed = s.match < 0 && s.query !== '';
      this.render();
      return true;
    }
    if (key.name === 'return' || key.name === 'enter') {
      accept();
      return false; // submits
    }
    if (key.name === 'escape') {
      accept();
      this.render();
      return true;
    }
    if (!key.ctrl && !key.meta && str !== undefined && str.length > 0 && !/[\x00-\x1f\x7f]/.test(str)) {
      s.query += str;
      const from = s.match >= 0 ? s.match + 1 : entries.length;
      const i = searchBackward(entries, s.query, from);
      if (i >= 0) s.match = i;
      s.failed = i < 0;
      if (i < 0) this.output.write(BEEP);
      this.render();
      return true;
    }
    accept(); // any other key (arrows, Ctrl-A, Ctrl-E, ...) leaves the search and acts on the found line
    return false;
  }

  private submit(): void {
    const text = this.line.text;
    this.endLine();
    this.finish(text);
  }

  /** Draws the line one last time, as typed (no hint, cursor at the end), and moves below it. */
  private endLine(mark = ''): void {
    this.completion = undefined;
    this.search = undefined;
    this.line = ed.moveEnd(this.line);
    const atRowStart = this.render(false);
    this.output.write(mark ? `${mark}\r\n` : atRowStart ? '' : '\r\n');
    this.cursorRow = 0;
    this.rows = 1;
  }

  /** Ctrl-Z: stop the process as a shell expects; redraw when continued. */
  private suspendProcess(): void {
    if (process.platform === 'win32') return;
    this.input.setRawMode(false);
    process.once('SIGCONT', () => {
      if (!this.started) return;
      this.input.setRawMode(true);
      this.cursorRow = 0;
      this.rows = 1;
      this.output.write('\r\n');
      this.render();
    });
    process.kill(process.pid, 'SIGTSTP');
  }

  // --- drawing --------------------------------------------------------------------------------

  private get cols(): number {
    const c = this.output.columns;
    return typeof c === 'number' && c > 0 ? c : 80;
  }

  /**
   * Clears the rows of the last render, bottom up, one row at a time, and leaves the cursor at the
   * start of its first row (linenoise's way: erase-in-line rather than erase-below, which tmux
   * treats as a screen clear and copies into its history when the prompt is at the top).
   */
  private clearRows(): string {
    let out = '';
    const below = this.rows - 1 - this.cursorRow;
    if (below > 0) out += `\x1b[${below}B`;
    for (let j = 0; j < this.rows - 1; j++) out += '\r\x1b[0K\x1b[1A';
    out += '\r\x1b[0K';
    this.cursorRow = 0;
    this.rows = 1;
    return out;
  }

  /** Removes the drawn line from the screen; the cursor ends at the start of its first row. */
  private wipe(): void {
    this.output.write(this.clearRows());
  }

  /**
   * Draws prompt, text and hint, and puts the cursor in place (linenoise refreshMultiLine, done
   * with relative moves). Returns whether the end of the drawing is at the start of a row.
   */
  private render(withHint = true): boolean {
    if (!this.reading) return false;
    const cols = this.cols;
    let prompt = this.prompt;
    let text = this.line.text;
    let cursor = this.line.pos;
    const s = this.search;
    const c = this.completion;
    if (s) {
      prompt = `(${s.failed ? 'failed ' : ''}reverse-i-search)'${s.query}': `;
      if (s.match >= 0) {
        text = this.history.entries[s.match]!;
        const at = text.toLowerCase().indexOf(s.query.toLowerCase());
        cursor = at >= 0 ? at : text.length;
      } else {
        text = s.original.text;
        cursor = s.original.pos;
      }
    } else if (c && c.index < c.candidates.length) {
      text = c.candidates[c.index]! + c.tail;
      cursor = c.candidates[c.index]!.length;
    } else if (c) {
      text = c.original.text;
      cursor = c.original.pos;
    }
    const pw = stringWidth(prompt);
    const tw = stringWidth(text);
    let hint = '';
    if (withHint && !s && this.reading.opts.hints && this.hooks.hint && pw + tw < cols) {
      const h = this.hooks.hint(text);
      if (h) hint = truncateToWidth(h, cols - pw - tw);
    }
    const hw = stringWidth(hint);

    let out = this.clearRows();
    out += prompt + text;
    if (hint) out += HINT_ON + hint + HINT_OFF;
    const end = pw + tw + hw;
    const endRow = Math.floor(end / cols);
    const atRowStart = end > 0 && end % cols === 0;
    // Leave the terminal's pending-wrap state: the cursor is then at column 0 of row endRow.
    if (atRowStart) out += '\r\n';
    const at = pw + stringWidth(text.slice(0, cursor));
    const row = Math.floor(at / cols);
    const col = at % cols;
    if (endRow > row) out += `\x1b[${endRow - row}A`;
    out += '\r';
    if (col > 0) out += `\x1b[${col}C`;
    this.output.write(out);
    this.cursorRow = row;
    this.rows = endRow + 1;
    return atRowStart && at === end;
  }
}
