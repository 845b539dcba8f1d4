import { isIP } from 'node:net';
import type { ConnectionConfig, TlsConfig } from '../connection/config.js';
import { UsageError } from '../errors.js';
import type { FormatOptions } from '../format/options.js';
import type { SessionSetup } from '../client/session.js';
import type { Flags } from './args.js';

/** Everything a run needs, derived from flags and environment without I/O. */
export interface RunConfig {
  connection: ConnectionConfig;
  setup: SessionSetup;
  format: FormatOptions;
  showPushes: boolean;
  /** The password came from -a/--pass/-u/REDISCLI_AUTH (not --askpass). */
  passwordSource: 'flag' | 'env' | 'askpass' | 'none';
}

/** Default connect and handshake timeout: redis-cli 7.0.15 has none and can hang. */
export const DEFAULT_TIMEOUT_SEC = 10;

/**
 * Flags + environment → configs (pure). `isTty` is whether stdout is a terminal: with FAKETTY it
 * decides between TTY and raw output as in redis-cli's main().
 */
export function buildConfig(f: Flags, env: Record<string, string | undefined>, stdoutIsTty: boolean): RunConfig {
  const standard = stdoutIsTty || env.FAKETTY !== undefined;
  const mode = f.output ?? (standard ? 'tty' : 'raw');
  let password = f.auth;
  let passwordSource: RunConfig['passwordSource'] = password !== undefined ? 'flag' : 'none';
  if (password === undefined && env.REDISCLI_AUTH !== undefined) {
    password = env.REDISCLI_AUTH;
    passwordSource = 'env';
  }
  if (f.askpass) {
    password = undefined; // asked for at start (-a and REDISCLI_AUTH are ignored)
    passwordSource = 'askpass';
  }
  const useTls = f.tls || f.uriTls;
  const tls: TlsConfig | undefined = useTls
    ? {
        sni: f.sni,
        cacert: f.cacert,
        cacertdir: f.cacertdir,
        insecure: f.insecure,
        verifyHostname: f.verifyHostname,
        cert: f.cert,
        key: f.key,
        p12: f.p12,
        ciphers: f.tlsCiphers,
        ciphersuites: f.tlsCiphersuites,
        minVersion: f.tlsMinVersion as TlsConfig['minVersion'],
        maxVersion: f.tlsMaxVersion as TlsConfig['maxVersion'],
        groups: f.tlsGroups,
        keylogFile: f.tlsKeylog ?? env.SSLKEYLOGFILE,
        pinSha256: f.pinSha256.length > 0 ? f.pinSha256 : undefined,
      }
    : undefined;
  return {
    connection: {
      host: f.host,
      port: f.port,
      socketPath: f.socket,
      tls,
      timeoutMs: Math.max(1, Math.round((f.timeoutSec ?? DEFAULT_TIMEOUT_SEC) * 1000)),
      replyTimeoutMs: f.replyTimeoutSec === undefined ? undefined : Math.max(1, Math.round(f.replyTimeoutSec * 1000)),
      resolve: f.resolve.length > 0 ? parseResolve(f.resolve) : undefined,
      preferFamily: f.preferFamily,
    },
    setup: {
      user: f.user,
      password,
      db: f.db,
      switchToResp3: !f.resp2 && f.resp3 !== 'off',
    },
    format: { mode, mbDelim: f.mbDelim, cmdDelim: f.cmdDelim },
    showPushes: f.showPushes ?? standard,
    passwordSource,
  };
}

/**
 * `--resolve HOST:PORT:ADDR[,ADDR…]` entries (curl's syntax; an IPv6 address may be in brackets)
 * → `host:port` → addresses. A later entry for the same host and port replaces an earlier one.
 */
export function parseResolve(entries: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries) {
    const m = /^([^:]+):(\d+):(.+)$/.exec(e);
    const port = m ? Number(m[2]) : 0;
    const addrs = m ? m[3]!.split(',').map((a) => a.trim().replace(/^\[(.*)\]$/, '$1')) : [];
    const bad = addrs.find((a) => isIP(a) === 0);
    if (!m || port < 1 || port > 65535 || addrs.length === 0 || bad !== undefined) {
      throw new UsageError(`Invalid --resolve value '${e}'${bad !== undefined ? `: '${bad}' is not an IP address` : ''}`, 'write it as HOST:PORT:ADDRESS, e.g. --resolve node1.example:6380:10.0.0.5 (several addresses: ADDR1,ADDR2)');
    }
    out[`${m[1]!.toLowerCase()}:${port}`] = addrs;
  }
  return out;
}
