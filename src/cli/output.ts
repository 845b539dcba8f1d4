import type { Writable } from 'node:stream';
import type { OutputSink } from '../modes/context.js';

/**
 * Buffers reply bytes and writes them in large chunks: one write per event-loop turn or per 64 KiB,
 * whichever comes first. Honours backpressure through `flush()`.
 */
export class StreamSink implements OutputSink {
  private chunks: Array<Buffer | string> = [];
  private size = 0;
  private scheduled = false;
  private readonly stream: Writable;

  constructor(stream: Writable) {
    this.stream = stream;
  }

  write(chunk: Buffer | string): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= 65536) {
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
    if (this.chunks.length === 0) return true;
    const parts = this.chunks;
    this.chunks = [];
    this.size = 0;
    if (parts.length === 1) return this.stream.write(parts[0]!);
    // Small pieces are joined into one write; a large payload is written as it is, never copied.
    let ok = true;
    let small: Array<Buffer | string> = [];
    const writeSmall = () => {
      if (small.length === 0) return;
      ok = this.stream.write(small.length === 1 ? small[0]! : Buffer.concat(small.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)))) && ok;
      small = [];
    };
    for (const p of parts) {
      if (p.length >= 65536) {
        writeSmall();
        ok = this.stream.write(p) && ok;
      } else {
        small.push(p);
      }
    }
    writeSmall();
    return ok;
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
