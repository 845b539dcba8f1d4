import type { Writable } from 'node:stream';
import type { OutputSink } from '../modes/context.js';

/** Output is gathered into slabs of this size; one is written when full or at the end of the turn. */
const SLAB = 65536;
/** Pieces up to this size are copied into the slab; larger ones are written as they are, never copied. */
const COPY_UP_TO = 8192;

/**
 * Buffers reply bytes and writes them in large chunks: one write per event-loop turn or per 64 KiB,
 * whichever comes first. Honours backpressure through `flush()`. Small pieces are copied into a slab
 * rather than kept as references: a long pipeline of short replies then holds one 64 KiB buffer,
 * not tens of thousands of small objects (and the socket chunks they point into) until the write.
 */
export class StreamSink implements OutputSink {
  private slab = Buffer.allocUnsafe(SLAB);
  private used = 0;
  private scheduled = false;
  private readonly stream: Writable;

  constructor(stream: Writable) {
    this.stream = stream;
  }

  write(chunk: Buffer | string): void {
    const len = chunk.length;
    if (len === 0) return;
    const isText = typeof chunk === 'string';
    // a string's UTF-8 form is at most 3 bytes per UTF-16 unit
    const most = isText ? len * 3 : len;
    if (most > COPY_UP_TO) {
      this.writeOut();
      this.stream.write(chunk);
      return;
    }
    if (this.used + most > SLAB) this.writeOut();
    this.used += isText ? this.slab.write(chunk, this.used, 'utf8') : chunk.copy(this.slab, this.used);
    if (this.used >= SLAB - COPY_UP_TO) {
      this.writeOut();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.writeOut();
      });
    }
  }

  private writeOut(): boolean {
    const used = this.used;
    if (used === 0) return true;
    this.used = 0;
    // The stream may keep what it is given until written: a full slab is handed over and replaced,
    // a small tail is copied out and the slab kept.
    if (used >= SLAB / 4) {
      const out = this.slab.subarray(0, used);
      this.slab = Buffer.allocUnsafe(SLAB);
      return this.stream.write(out);
    }
    return this.stream.write(Buffer.from(this.slab.subarray(0, used)));
  }

  /** stdout's buffer is full (a slow pipe): the reader of the socket pauses until it drains. */
  get needsDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  flush(): Promise<void> {
    this.writeOut();
    // wait whenever the stream is over its mark, even if this call wrote nothing
    if (!this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((r) => this.stream.once('drain', () => r()));
  }
}
