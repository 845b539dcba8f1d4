import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';

/** What a mode tells the gate while it sends commands and prints their replies. */
export interface PushGate {
  /** One command was sent whose reply the mode will pass to `done()`. */
  sent(): void;
  /** The reply of the oldest sent command was printed (or dropped). */
  done(): void;
  /** Passes on every held push and puts the previous push handler back. */
  release(): void;
}

/**
 * Keeps RESP3 pushes in wire order with the replies around them. The session hands a push over as
 * soon as it is decoded, but a reply decoded just before it is printed only after a few promise
 * hops (and, when commands are pipelined, after the replies before it). redis-cli reads one reply at
 * a time and prints a push when it meets it, so `+OK` then `>invalidate` must print in that order.
 * The gate wraps `ctx.onPush` and holds a push until every reply that arrived before it (counted as
 * sent − still in flight) has been printed.
 */
export function gatePushes(ctx: ModeContext): PushGate {
  const next = ctx.onPush;
  let sent = 0;
  let printed = 0;
  const held: Array<[number, RespValue]> = [];
  const flush = (all: boolean) => {
    while (held.length > 0 && (all || held[0]![0] <= printed)) next(held.shift()![1]);
  };
  ctx.onPush = (v) => {
    const before = sent - ctx.session.inFlight;
    if (held.length === 0 && before <= printed) next(v);
    else held.push([before, v]);
  };
  return {
    sent: () => void sent++,
    done: () => {
      printed++;
      flush(false);
    },
    release: () => {
      flush(true);
      ctx.onPush = next;
    },
  };
}
