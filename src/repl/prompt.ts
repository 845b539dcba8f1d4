/**
 * The prompt string (mirrors cliRefreshPrompt of redis-cli 7.0.15): `host:port` (IPv6 in brackets,
 * as anetFormatAddr does) or `redis /path` for a unix socket, `[db]` when the db is not 0, `(TX)`
 * inside MULTI, then `> `; `not connected> ` without a connection.
 *
 * tredis-cli adds a badge when the connection is TLS: ` [TLS]` before `> ` (ASCII, so that every
 * terminal agrees on its width; green when colour is on). `:set notlsprompt` removes it.
 */

export interface PromptInfo {
  host: string;
  port: number;
  socketPath?: string | undefined;
  db: number;
  inMulti: boolean;
  connected: boolean;
  /** The live connection is TLS. */
  tls: boolean;
  /** Show the TLS badge (`:set tlsprompt`, the default). */
  tlsBadge: boolean;
  color: boolean;
}

/** `host:port` as anetFormatAddr writes it: IPv6 literals in brackets. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const TLS_BADGE = '[TLS]';

export function formatPrompt(p: PromptInfo): string {
  if (!p.connected) return 'not connected> ';
  let s = p.socketPath !== undefined ? `redis ${p.socketPath}` : formatAddress(p.host, p.port);
  if (p.db !== 0) s += `[${p.db}]`;
  if (p.inMulti) s += '(TX)';
  if (p.tls && p.tlsBadge) s += p.color ? ` \x1b[32m${TLS_BADGE}\x1b[0m` : ` ${TLS_BADGE}`;
  return `${s}> `;
}
