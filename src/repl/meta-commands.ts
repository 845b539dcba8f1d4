/**
 * The REPL's own `:word` commands. redis-cli 7.0.15 has only `:set hints|nohints`; tredis-cli adds
 * settings (see preferences.ts), `:tls` (the TLS report of the live connection) and `:help`.
 * Unknown ones print redis-cli's "unknown redis-cli internal command" line.
 */
import type { Session } from '../client/session.js';
import type { HandshakeReport } from '../connection/handshake.js';
import { applyPreference, PREFERENCE_HELP, type Preferences } from './preferences.js';

/** What a meta-command may use. */
export interface MetaContext {
  prefs: Preferences;
  session: Session;
  /** Writes to stdout. */
  print(text: string): void;
  /** Colour is wanted (stdout is a terminal, NO_COLOR unset). */
  color: boolean;
  /** Terminal width for wrapping reports, when known. */
  width?: number | undefined;
  /** Loads the TLS report renderer (src/format/handshake.ts); injectable for tests. */
  loadHandshake?: () => Promise<unknown>;
}

export interface MetaCommand {
  name: string;
  usage: string;
  summary: string;
  run(mc: MetaContext, argv: readonly string[]): Promise<void> | void;
}

/** The report renderer of src/format/handshake.ts (the TLS insight work, issue 4), by this exact name. */
type RenderLiveTls = (report: HandshakeReport, opts: { color: boolean; json: boolean; width?: number }) => string;

/** Loaded on first use only: the report code is not needed to start the REPL. */
function defaultLoadHandshake(): Promise<unknown> {
  return import('../format/handshake.js');
}

async function runTls(mc: MetaContext, argv: readonly string[]): Promise<void> {
  const json = argv.slice(1).some((a) => a === '--json' || a === 'json');
  let render: RenderLiveTls | undefined;
  try {
    const mod = (await (mc.loadHandshake ?? defaultLoadHandshake)()) as { renderLiveTls?: unknown };
    if (typeof mod.renderLiveTls === 'function') render = mod.renderLiveTls as RenderLiveTls;
  } catch {
    render = undefined;
  }
  if (!render) {
    mc.print(':tls: not available\n');
    return;
  }
  // The weak-settings probes (TLS 1.0/1.1, non-AEAD ciphers) once per connection, as --show-handshake makes them.
  const s = mc.session;
  const plan = s.lastTls?.plan;
  if (s.tlsProbes === undefined && plan && s.remote && s.config.socketPath === undefined && !s.lastTls?.failure && s.isConnected) {
    const { canProbe, probeWeakTls } = await import('../connection/tls-probe.js');
    if (canProbe(plan, s.tlsFacts?.sharedSigalgs ?? [])) s.tlsProbes = await probeWeakTls({ address: s.remote.address, port: s.config.port, plan, timeoutMs: 1500 });
  }
  const text = render(s.handshakeReport(), { color: mc.color && !json, json, ...(mc.width !== undefined ? { width: mc.width } : {}) });
  mc.print(text.endsWith('\n') ? text : `${text}\n`);
}

function runHelp(mc: MetaContext): void {
  let s = 'tredis-cli REPL commands:\n';
  for (const c of META_COMMANDS.values()) s += `  ${c.usage.padEnd(24)} ${c.summary}\n`;
  s += '  connect HOST PORT [OPTIONS] connect elsewhere (options as on the command line, e.g. --tls)\n';
  s += '  clear                    clear the screen (also Ctrl-L)\n';
  s += '  quit, exit               leave (also Ctrl-D on an empty line)\n';
  s += 'Settings (:set NAME, :set noNAME, or :set NAME on|off; also in ~/.redisclirc):\n';
  for (const [name, what] of PREFERENCE_HELP) s += `  ${name.padEnd(12)} ${mc.prefs[name] ? 'on ' : 'off'}  ${what}\n`;
  s += 'Keys: Tab complete, Ctrl-R search history, Up/Down history, Ctrl-A/E start/end,\n';
  s += '      Ctrl-K/U/W delete to end/line/word, Ctrl-L clear, Ctrl-C cancel line or command, Ctrl-D quit\n';
  mc.print(s);
}

export const META_COMMANDS: ReadonlyMap<string, MetaCommand> = new Map<string, MetaCommand>([
  [':set', {
    name: ':set',
    usage: ':set NAME | noNAME',
    summary: 'change a setting (see below)',
    run: (mc, argv) => {
      const msg = applyPreference(mc.prefs, argv, true);
      if (msg !== null) mc.print(msg);
    },
  }],
  [':tls', {
    name: ':tls',
    usage: ':tls [--json]',
    summary: 'TLS report of the live connection (protocol, cipher, chain, verdict)',
    run: runTls,
  }],
  [':help', {
    name: ':help',
    usage: ':help',
    summary: 'this list',
    run: runHelp,
  }],
]);

/** Runs a `:word …` line. */
export async function runMeta(mc: MetaContext, argv: readonly string[]): Promise<void> {
  const cmd = META_COMMANDS.get((argv[0] ?? '').toLowerCase());
  if (!cmd) {
    // Not ':set' with an argument: redis-cli's message (applyPreference writes it).
    mc.print(applyPreference(mc.prefs, argv, true) ?? '');
    return;
  }
  if (cmd.name === ':set' && argv.length < 2) {
    mc.print(`unknown redis-cli internal command '${argv[0]}'\n`);
    return;
  }
  await cmd.run(mc, argv);
}
