import { ConnectError, IoError, TlsError } from '../errors.js';
import type { RespValue } from '../resp/value.js';
import type { ModeContext } from './context.js';
import { pause } from './scan-keys.js';

/**
 * Sends a command and, when the connection is lost, reconnects once a second until it can send it
 * again, drawing `Reconnecting... N` on stdout. Mirrors reconnectingRedisCommand (redis-cli 7.0.15),
 * used by --stat and the --latency modes. A TLS failure while reconnecting is fatal, as there.
 */
export async function reconnectingCommand(ctx: ModeContext, args: string[]): Promise<RespValue> {
  let tries = 0;
  for (;;) {
    if (ctx.session.isConnected) {
      try {
        const reply = await ctx.session.send(args);
        if (tries > 0) ctx.out.write('\r\x1b[0K'); // cursor to the left edge, clear the line
        return reply;
      } catch (err) {
        if (!(err instanceof IoError) && !(err instanceof ConnectError)) throw err;
      }
    }
    ctx.out.write('\r\x1b[0K');
    ctx.out.write(`Reconnecting... ${++tries}\r`);
    await ctx.out.flush();
    try {
      await ctx.session.connect();
    } catch (err) {
      if (err instanceof TlsError) throw err;
    }
    await pause(1000, ctx.signal);
  }
}
