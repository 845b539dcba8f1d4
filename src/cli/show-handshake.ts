import { styleText } from 'node:util';
import type { Session, SessionHooks } from '../client/session.js';
import { expiryWarnings, mayWarnOfExpiry } from '../connection/handshake.js';
import type { TlsSettled } from '../connection/transport.js';
import { canProbe, probeWeakTls } from '../connection/tls-probe.js';
import { loadHandshakeTable, renderHandshakeJson, renderHandshakeText, type TableConstructor } from '../format/handshake.js';

/** Each probe handshake of --show-handshake waits at most this long (a loopback one takes a few ms). */
const PROBE_TIMEOUT_MS = 1500;

/** What `--show-handshake` prints, and where. */
export interface HandshakeReporterOptions {
  /** `--show-handshake` (text) / `--show-handshake=json`; undefined: only expiry warnings. */
  mode: 'text' | 'json' | undefined;
  stderr: NodeJS.WriteStream;
  /** Load cli-table3 up front so that `:tls` in the REPL renders a table too. */
  preloadTable: boolean;
}

/**
 * Prints one report per connect attempt on stderr: when the first reply arrives (before it is
 * printed on stdout) or when the attempt fails (before the error). Prints expiry warnings (14 days)
 * once per certificate, with or without --show-handshake.
 */
export async function createHandshakeReporter(opts: HandshakeReporterOptions): Promise<{ hooks: (session: () => Session) => SessionHooks }> {
  const err = opts.stderr;
  // Node's own rules for a terminal (NO_COLOR, FORCE_COLOR, TERM=dumb) decide colour; never when
  // stderr is not a terminal.
  const color = err.isTTY === true && typeof err.hasColors === 'function' && err.hasColors();
  let table: TableConstructor | undefined;
  if ((opts.mode === 'text' && err.isTTY === true) || opts.preloadTable) table = await loadHandshakeTable();
  if (err.isTTY !== true) table = undefined;
  const warned = new Set<string>();
  let printed = false;

  const print = (session: Session, error?: unknown) => {
    if (printed || opts.mode === undefined) return;
    printed = true;
    try {
      const report = session.handshakeReport(error);
      err.write(opts.mode === 'json' ? renderHandshakeJson(report) : renderHandshakeText(report, { color, table, width: err.columns }));
    } catch (e) {
      err.write(`tredis-cli: could not make the handshake report: ${(e as Error).stack ?? String(e)}\n`);
    }
  };

  return {
    hooks: (session) => ({
      onConnectStart: () => {
        printed = false;
      },
      onTlsSettled: (_st: TlsSettled) => {
        try {
          if (!mayWarnOfExpiry(session().tlsFacts, session().firstPeerCertificate)) return;
          const tls = session().handshakeReport().tls;
          for (const w of tls ? expiryWarnings(tls) : []) {
            if (warned.has(w)) continue;
            warned.add(w);
            err.write(`${color ? styleText('yellow', 'Warning:', { validateStream: false }) : 'Warning:'} ${w}\n`);
          }
        } catch {
          // a certificate Node could not parse again: the handshake report will say more
        }
      },
      // The probe handshakes (TLS 1.0/1.1 only, non-AEAD ciphers only) are part of the report: made
      // once the connection is verified, to the address it reached, before the report is printed.
      onTransportOpen: async (t, s) => {
        const plan = s.lastTls?.plan;
        if (opts.mode === undefined || !plan || s.config.socketPath !== undefined || s.lastTls?.failure || !canProbe(plan, s.tlsFacts?.sharedSigalgs ?? [])) return;
        // within -t: the two probes together take at most a third of the connect budget
        s.tlsProbes = await probeWeakTls({ address: t.address, port: s.config.port, plan, timeoutMs: Math.min(PROBE_TIMEOUT_MS, s.config.timeoutMs / 6) });
      },
      onFirstReply: () => print(session()),
      onConnectionFailed: (e) => print(session(), e),
    }),
  };
}
