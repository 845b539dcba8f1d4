/**
 * Progress and Ctrl-C for the long moves of reshard and rebalance (not in redis-cli, which prints
 * only its dots and hashes and dies on Ctrl-C with a slot possibly left open).
 *
 * - stdout keeps redis-cli's bytes. When stderr is a terminal, a one-line status
 *   (`[12/100 slots] 3456 keys moved, 4s elapsed, about 30s left`) is redrawn on stderr: between
 *   slots when stdout is the terminal too (so it never cuts a half-written stdout line), and after
 *   each MIGRATE batch as well when stdout goes elsewhere. It is erased before stdout writes again.
 * - The first Ctrl-C lets the slot being moved finish and then stops: no slot is left open. A
 *   second Ctrl-C stops at once (closing the connections); the slot in flight may stay open, and
 *   the message names it and `--cluster fix`. Either way the run ends with exit code 130.
 */
import type { CmNode } from './core.js';
import type { ClusterManager } from './manager.js';

const REDRAW_MS = 100;

export class MoveProgress {
  stopRequested = false;
  private hardStop = false;
  private done = 0;
  private keysMoved = 0;
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private shown = false;
  /** stdout is at the start of a line: the status may be drawn even when both share a terminal. */
  private atLineStart = true;

  constructor(
    private readonly cm: ClusterManager,
    private readonly total: number,
    private readonly what: string,
  ) {
    cm.io.onInterrupt?.(() => this.interrupt());
  }

  /** Before a slot's stdout output starts. */
  beforeSlot(lineStart: boolean): void {
    this.erase();
    this.atLineStart = lineStart;
  }

  /** A MIGRATE batch of `n` keys succeeded. */
  keys(n: number): void {
    this.keysMoved += n;
    if (!this.cm.io.isTty && Date.now() - this.lastDraw >= REDRAW_MS) this.draw();
  }

  /** A slot was moved; `lineStart`: stdout is at the start of a line again. */
  async slotDone(lineStart: boolean): Promise<void> {
    this.done++;
    this.atLineStart = lineStart;
    if (this.cm.io.progress && (lineStart || !this.cm.io.isTty)) {
      await this.cm.io.out.flush();
      this.draw();
    }
  }

  /** Stopped by the first Ctrl-C between two slots: say so (nothing is left open). */
  async reportStopped(): Promise<boolean> {
    await this.end();
    this.cm.interrupted = true;
    this.cm.io.err(`*** ${this.what} stopped by Ctrl-C after ${this.done} of ${this.total} slots: every slot moved so far is complete, none is left open.`);
    return false;
  }

  /** A move failed: after a second Ctrl-C, or a node error already printed on stdout. */
  async reportFailed(source: CmNode, target: CmNode, slot: number): Promise<boolean> {
    await this.end();
    const at = `${target.ip}:${target.port}`;
    if (this.hardStop) {
      this.cm.interrupted = true;
      this.cm.io.err(`*** ${this.what} interrupted by Ctrl-C while moving slot ${slot} from ${source.ip}:${source.port} to ${at} (${this.done} of ${this.total} slots moved): slot ${slot} may be left open.`);
    } else {
      this.cm.io.err(`*** ${this.what} failed while moving slot ${slot} from ${source.ip}:${source.port} to ${at} (${this.done} of ${this.total} slots moved): slot ${slot} may be left open.`);
    }
    this.cm.io.err(`hint: see the slot with --cluster check ${at} and close it with --cluster fix ${at}`);
    return false;
  }

  /**
   * Erases the status line. The Ctrl-C handler stays until the program ends (the moves are the
   * last thing it does): a second Ctrl-C while it finishes must not kill it without its message.
   */
  async end(): Promise<void> {
    await this.cm.io.out.flush();
    this.erase();
  }

  private interrupt(): void {
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.erase();
      this.cm.io.err(`\n*** Ctrl-C: stopping once the slot being moved is complete (Ctrl-C again to stop at once, which may leave it open)`);
      return;
    }
    this.hardStop = true;
    this.cm.closeAll();
  }

  private draw(): void {
    const show = this.cm.io.progress;
    if (!show || (this.cm.io.isTty && !this.atLineStart)) return;
    const secs = (Date.now() - this.t0) / 1000;
    const left = this.done > 0 && this.done < this.total ? `, about ${Math.ceil((secs / this.done) * (this.total - this.done))}s left` : '';
    show(`[${this.done}/${this.total} slots] ${this.keysMoved} keys moved, ${Math.floor(secs)}s elapsed${left}`);
    this.shown = true;
    this.lastDraw = Date.now();
  }

  private erase(): void {
    if (!this.shown) return;
    this.cm.io.progress?.('');
    this.shown = false;
  }
}
