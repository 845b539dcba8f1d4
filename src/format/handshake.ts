import { stripVTControlCharacters, styleText } from 'node:util';
import { curveAlias } from '../connection/certificate.js';
import type { CertificateReport, ChainCertificateReport, HandshakeReport, HandshakeTimings } from '../connection/handshake.js';

/** How a report is rendered as text. */
export interface HandshakeTextOptions {
  /** ANSI colour (decided by the caller: a terminal, no NO_COLOR, TERM not dumb). */
  color: boolean;
  /** Lay out as a cli-table3 table (pass the constructor from `loadHandshakeTable`); plain text otherwise. */
  table?: TableConstructor | undefined;
  /** Columns available (terminal width); default 100. */
  width?: number | undefined;
}

/** The part of cli-table3 used here (its ESM build has a default export only). */
export type TableConstructor = new (options: Record<string, unknown>) => { push(...rows: unknown[]): number; toString(): string };

let tableModule: TableConstructor | undefined;

/** Loads cli-table3 once (lazily: only reports on a terminal need it). */
export async function loadHandshakeTable(): Promise<TableConstructor> {
  tableModule ??= ((await import('cli-table3')) as unknown as { default: TableConstructor }).default;
  return tableModule;
}

/** cli-table3 if `loadHandshakeTable` ran before, else undefined. */
export function loadedHandshakeTable(): TableConstructor | undefined {
  return tableModule;
}

/** One line of JSON (`--show-handshake=json` prints one per connect attempt: JSON Lines). */
export function renderHandshakeJson(report: HandshakeReport, pretty = false): string {
  return `${JSON.stringify(report, null, pretty ? 2 : undefined)}\n`;
}

/**
 * The report of the live (or latest) connection, for the REPL's `:tls` (the caller asks the session
 * for it: a renderer takes data). After a reconnect that resumed the TLS session it says so, and
 * shows the chain of the handshake that made it.
 */
export function renderLiveTls(report: HandshakeReport, opts: { color: boolean; json: boolean; width?: number }): string {
  if (opts.json) return renderHandshakeJson(report, true);
  return renderHandshakeText(report, { color: opts.color, table: loadedHandshakeTable(), width: opts.width });
}

// ---------------------------------------------------------------------------------------------

type Style = Parameters<typeof styleText>[0];

interface Painter {
  (style: Style, text: string): string;
}

function painter(color: boolean): Painter {
  // Single formats only: the caller decided about NO_COLOR/TTY, so the stream is not consulted.
  return (style, text) => (color && text !== '' ? styleText(style, text, { validateStream: false }) : text);
}

interface Row {
  label: string;
  value: string;
}

interface Section {
  title: string;
  rows: Row[];
}

function fmtMs(v: number | null): string {
  if (v === null) return '–';
  return v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
}

function timingsLine(t: HandshakeTimings): string {
  const steps: Array<[string, number | null]> = [
    ['resolve', t.resolveMs],
    ['TCP connect', t.connectMs],
    ['TLS handshake', t.tlsMs],
    ['AUTH', t.authMs],
    ['SELECT', t.selectMs],
    ['HELLO', t.helloMs],
    ['first reply', t.firstReplyMs],
  ];
  const ran = steps.filter(([, v]) => v !== null).map(([k, v]) => `${k} ${fmtMs(v)}`);
  return ran.length === 0 ? 'none measured' : `${ran.join(' → ')}   (total ${fmtMs(t.totalMs)})`;
}

/** `prime256v1` → `P-256 (prime256v1)`. */
function curveName(name: string): string {
  const alias = curveAlias(name);
  return alias !== name ? `${alias} (${name})` : name;
}

function keyText(c: CertificateReport): string {
  const type = c.keyType === 'ec' ? 'EC' : c.keyType === 'rsa' ? 'RSA' : c.keyType === 'rsa-pss' ? 'RSA-PSS' : c.keyType === 'ed25519' ? 'Ed25519' : c.keyType === 'ed448' ? 'Ed448' : c.keyType;
  const curve = c.keyCurve ? ` ${curveName(c.keyCurve)}` : '';
  const bits = c.keyBits !== null ? `, ${c.keyBits} bits` : '';
  return `${type}${curve}${bits}`;
}

function validityText(c: CertificateReport, p: Painter): string {
  const range = `${c.validFrom.slice(0, 10)} → ${c.validTo.slice(0, 10)}`;
  switch (c.validity) {
    case 'expired':
      return `${range}  ${p('red', `! EXPIRED ${-c.daysLeft} day${c.daysLeft === -1 ? '' : 's'} ago`)}`;
    case 'not-yet-valid':
      return `${range}  ${p('red', `! NOT YET VALID (starts ${c.validFrom.slice(0, 10)})`)}`;
    case 'expiring':
      return `${range}  ${p('yellow', `! expires in ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'}`)}`;
    default:
      return `${range}  (${c.daysLeft} days left)`;
  }
}

/** The details of one chain certificate, `key value` per line. */
function certDetail(c: ChainCertificateReport, p: Painter): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['subject', c.subject],
    ['issuer', c.issuer],
    ['SANs', c.sans.length > 0 ? c.sans.join(', ') : '(none)'],
    ['valid', validityText(c, p)],
    ['key', `${keyText(c)}; signed with ${c.signatureAlgorithm ?? '?'}`],
    ['sha256', c.fingerprintSha256],
    ['serial', c.serial],
  ];
  if (c.problem) rows.push(['problem', p('red', c.problem)]);
  return rows;
}

const MISSING = 'missing: not sent by the server and not in the trust store';

/** The chain as a tree (plain text): leaf first, each issuer one level further in. */
function chainTree(report: HandshakeReport, p: Painter): string {
  const tls = report.tls!;
  const certs = tls.chain.certificates;
  if (certs.length === 0) return tls.negotiated ? '(no certificate)' : '(none: the handshake did not complete)';
  const lines: string[] = [];
  if (tls.chain.source === 'first-handshake') lines.push(p('dim', 'resumed session: the chain of the handshake that created it'));
  certs.forEach((c, i) => {
    const pad = '   '.repeat(i);
    const head = i === 0 ? '' : `${pad.slice(3)}└─ `;
    const last = i === certs.length - 1 && !tls.chain.missingIssuer;
    const body = `${pad}${last ? '   ' : '│  '}`;
    lines.push(`${head}${p('bold', c.commonName ?? c.subject)}  ${certMark(c, p)}`);
    for (const [k, v] of certDetail(c, p)) lines.push(`${body}${k.padEnd(8)} ${v}`);
  });
  if (tls.chain.missingIssuer) {
    lines.push(`${'   '.repeat(certs.length - 1)}└─ ${p('red', `✗ ${tls.chain.missingIssuer}`)}  ${p('red', MISSING)}`);
  }
  return lines.join('\n');
}

/** The chain as table rows: the tree in the label column, details wrapped to `width`. */
function chainRows(report: HandshakeReport, p: Painter, width: number): Row[] {
  const tls = report.tls!;
  const certs = tls.chain.certificates;
  if (certs.length === 0) return [{ label: '', value: tls.negotiated ? '(no certificate)' : '(none: the handshake did not complete)' }];
  const rows: Row[] = [];
  if (tls.chain.source === 'first-handshake') rows.push({ label: '', value: p('dim', 'resumed session: the chain of the handshake that created it') });
  const branch = (i: number) => (i === 0 ? '' : `${' '.repeat(i - 1)}└`);
  certs.forEach((c, i) => {
    const head = `${p('bold', c.commonName ?? c.subject)}  ${certMark(c, p)}`;
    const detail = certDetail(c, p).map(([k, v]) => wrapText(`${k.padEnd(8)} ${v}`, width, ' '.repeat(9)));
    rows.push({ label: `${branch(i)}${i}`, value: [wrapText(head, width), ...detail].join('\n') });
  });
  if (tls.chain.missingIssuer) {
    rows.push({ label: `${branch(certs.length)}${certs.length}`, value: wrapText(`${p('red', `✗ ${tls.chain.missingIssuer}`)}  ${p('red', MISSING)}`, width) });
  }
  return rows;
}

function certMark(c: ChainCertificateReport, p: Painter): string {
  const notes: string[] = [];
  if (c.selfSigned) notes.push(c.isCA ? 'self-signed root' : 'self-signed');
  else if (c.isCA) notes.push('CA');
  if (c.inTrustStore) notes.push('in the trust store');
  const extra = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  if (c.status === 'failed') return p('red', `✗ failed${extra}`);
  if (c.status === 'unchecked') return `${p('yellow', '? not verified')}${extra}`;
  return `${p('green', '✓')}${extra}`;
}

function clientCertText(r: HandshakeReport, p: Painter): Row[] {
  const cc = r.tls!.clientCertificate;
  const rows: Row[] = [];
  const req = cc.requested === null ? p('dim', 'unknown') : cc.requested ? 'yes' : 'no';
  rows.push({ label: 'requested', value: `${req} — ${cc.basis}` });
  let configured = 'none configured';
  if (cc.source) {
    const c = cc.certificate;
    const exp = c ? (c.validity === 'valid' ? `valid until ${c.validTo.slice(0, 10)} (${c.daysLeft} days left)` : p(c.validity === 'expiring' ? 'yellow' : 'red', validityText(c, (_s, t) => t))) : '';
    configured = `${cc.source}${c ? `: ${c.subject}, issued by ${c.issuer}; ${exp}` : ''}${cc.encryptedKey ? '; key encrypted (passphrase used)' : ''}`;
  }
  rows.push({ label: 'ours', value: configured });
  const sent = cc.sent === null ? p('dim', 'unknown') : cc.sent ? p('green', 'yes') : cc.requested === false ? 'no (not asked for)' : 'no';
  rows.push({ label: 'sent', value: sent });
  if (cc.acceptedSigalgs.length > 0) rows.push({ label: 'server accepts', value: cc.acceptedSigalgs.join(', ') });
  return rows;
}

/** One row per weak setting: what is weak, then the line that fixes it. */
function weaknessRows(r: HandshakeReport, p: Painter): Row[] {
  return r.weaknesses.map((w) => ({ label: w.severity, value: `${p(w.severity === 'high' ? 'red' : 'yellow', `! ${w.what}`)}\nfix: ${w.fix}` }));
}

function sections(r: HandshakeReport, p: Painter, tableWidth: number | undefined): Section[] {
  const out: Section[] = [];
  const conn: Row[] = [];
  const target = r.target.socket ?? `${r.target.host}:${r.target.port}`;
  conn.push({ label: 'target', value: target });
  conn.push({ label: 'address', value: r.address ? (r.address.family === 'unix' ? `unix socket ${r.address.ip}` : `${r.address.ip} (${r.address.family}) port ${r.target.port}`) : p('dim', 'none (not connected)') });
  conn.push({ label: 'transport', value: r.transport === 'tls' ? 'TLS' : p('yellow', 'plaintext (not encrypted)') });
  conn.push({ label: 'timings', value: timingsLine(r.timings) });
  out.push({ title: 'Connection', rows: conn });
  const tls = r.tls;
  if (tls) {
    const inputs: Row[] = [];
    inputs.push({ label: 'SNI', value: tls.sni.sent ?? `none: ${tls.sni.reason ?? ''}` });
    inputs.push({ label: 'trust', value: tls.trust.description });
    const vm = tls.verifyMode === 'full' ? 'chain and host name' : tls.verifyMode === 'chain-only' ? p('yellow', 'chain only (--no-verify-hostname)') : p('red', 'none (--insecure)');
    inputs.push({ label: 'verification', value: vm });
    out.push({ title: 'TLS inputs', rows: inputs });
    const n = tls.negotiated;
    if (n) {
      const neg: Row[] = [];
      neg.push({ label: 'protocol', value: n.protocol });
      neg.push({ label: 'cipher', value: n.cipher.standardName === n.cipher.opensslName ? `${n.cipher.standardName} (IANA and OpenSSL name)` : `${n.cipher.standardName} (OpenSSL: ${n.cipher.opensslName})` });
      neg.push({ label: 'key exchange', value: n.keyExchange ? `${curveName(n.keyExchange.group)} (${n.keyExchange.type}, ${n.keyExchange.bits} bits)` : p('dim', 'none (resumed session without a new key exchange)') });
      neg.push({ label: 'signature', value: n.signature.scheme ? `${n.signature.scheme} ${p('dim', `(${n.signature.inferred ? 'inferred: ' : ''}${n.signature.basis})`)}` : p('dim', n.signature.basis) });
      neg.push({ label: 'ALPN', value: n.alpn ?? 'none' });
      const ticket = n.ticket ? `ticket received${n.ticketLifetimeSec !== null ? ` (lifetime ${n.ticketLifetimeSec} s)` : ''}` : 'no ticket (yet)';
      neg.push({ label: 'session', value: `${n.resumed ? p('green', 'resumed') : 'new (full handshake)'}; ${ticket}` });
      out.push({ title: 'Negotiated', rows: neg });
    }
    out.push({ title: 'Server chain', rows: tableWidth === undefined ? [{ label: '', value: chainTree(r, p) }] : chainRows(r, p, tableWidth) });
    const checks: Row[] = [];
    const idMark = tls.identity.status === 'matched' ? p('green', '✓ ') : tls.identity.status === 'mismatch' ? p('red', '✗ ') : p('yellow', '– ');
    checks.push({ label: 'identity', value: `${idMark}${tls.identity.sentence}` });
    if (tls.pin) checks.push({ label: 'pin', value: tls.pin.matched ? `${p('green', '✓')} sha256//${tls.pin.actual} matches --pin-sha256` : `${p('red', '✗')} sha256//${tls.pin.actual} is not in --pin-sha256 (${tls.pin.expected.join(', ')})` });
    if (tls.verification.code && tls.verification.chain === 'failed') {
      const at = tls.verification.failedDepth;
      const who = at !== null ? tls.chain.certificates[at] : undefined;
      checks.push({ label: 'chain', value: `${p('red', `✗ ${tls.verification.code}`)}${at !== null ? ` at depth ${at}${who ? ` (${who.commonName ?? who.subject})` : ''}` : ''}` });
    } else {
      const chainText: Record<string, string> = { ok: `${p('green', '✓')} verified against ${tls.trust.description}`, skipped: p('yellow', '– not verified (--insecure)'), 'not-run': p('dim', '– not run: the handshake did not complete') };
      checks.unshift({ label: 'chain', value: chainText[tls.verification.chain] ?? tls.verification.chain });
    }
    for (const [label, probe] of tls.probes ? ([['TLS 1.0/1.1', tls.probes.legacyProtocols], ['non-AEAD', tls.probes.nonAeadCiphers]] as const) : []) {
      const text = probe.status === 'accepted' ? p('red', `✗ accepted (${probe.protocol ?? '?'} ${probe.cipher ?? '?'})`) : probe.status === 'refused' ? `${p('green', '✓')} refused (${probe.detail ?? ''})` : p('yellow', `– not probed: ${probe.detail ?? ''}`);
      checks.push({ label, value: text });
    }
    out.push({ title: 'Checks', rows: checks });
    out.push({ title: 'Client cert', rows: clientCertText(r, p) });
  }
  if (r.weaknesses.length > 0) out.push({ title: 'Weak settings', rows: weaknessRows(r, p) });
  const verdict: Row[] = [];
  for (const w of r.warnings) verdict.push({ label: 'warning', value: p('yellow', w) });
  const v = r.verdict;
  const mark = v.status === 'failed' ? p('red', '✗ FAILED') : v.status === 'verified' ? p('green', '✓ OK') : v.status === 'pending' ? p('dim', '… pending') : p('yellow', '! OK');
  verdict.push({ label: 'verdict', value: `${mark} ${v.status === 'failed' ? (v.reason ?? '') : v.summary}` });
  if (v.status === 'failed' && v.code) verdict.push({ label: 'code', value: `${v.code} (stage: ${v.stage ?? '?'})` });
  if (v.hint) verdict.push({ label: 'fix', value: v.hint });
  out.push({ title: 'Verdict', rows: verdict });
  return out;
}

/**
 * Breaks `text` into lines of at most `width` visible columns (ANSI-aware). A word longer than a line
 * (a fingerprint) is cut, filling the current line first. Continuation lines start with `cont`.
 */
export function wrapText(text: string, width: number | undefined, cont = ''): string {
  if (width === undefined || width < 20) return text;
  const indent = cont.length < width / 2 ? cont : '';
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let cur = '';
    let len = 0;
    const flush = () => {
      out.push(cur.trimEnd());
      cur = indent;
      len = indent.length;
    };
    for (const word of line.split(/(?<= )/)) {
      const vis = stripVTControlCharacters(word);
      if (len + vis.trimEnd().length <= width) {
        cur += word;
        len += vis.length;
        continue;
      }
      if (vis === word && vis.trimEnd().length > width - indent.length) {
        let rest = word;
        while (len + rest.trimEnd().length > width) {
          const take = width - len;
          if (take > 0) {
            cur += rest.slice(0, take);
            rest = rest.slice(take);
          }
          flush();
        }
        cur += rest;
        len += rest.length;
        continue;
      }
      if (len > indent.length) flush();
      cur += word;
      len += vis.length;
    }
    out.push(cur.trimEnd());
  }
  return out.join('\n');
}

const SECTION_W = 12;
const LABEL_W = 14;

/**
 * The report as text: a table (cli-table3) when `table` is given, else plain lines `label  value`
 * under section titles. Certificates that expired or expire within 30 days are marked with `!`
 * (and coloured when `color`).
 */
export function renderHandshakeText(report: HandshakeReport, opts: HandshakeTextOptions): string {
  const p = painter(opts.color);
  const width = Math.max(60, opts.width ?? 100);
  const valueWidth = width - SECTION_W - LABEL_W - 10; // borders and padding of │ a │ b │ c │
  const secs = sections(report, p, opts.table ? valueWidth : undefined);
  const title = `${report.transport === 'tls' ? 'TLS handshake' : 'Connection'} report for ${report.target.socket ?? `${report.target.host}:${report.target.port}`}`;
  if (opts.table) {
    // Three columns (section, field, value) and no rules between rows: no colSpan, which
    // cli-table3 draws with stray joints when rows have no separators.
    const t = new opts.table({
      colWidths: [SECTION_W + 2, LABEL_W + 2, valueWidth + 2],
      wordWrap: false,
      style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      head: [p('bold', 'tredis-cli'), p('bold', report.transport === 'tls' ? 'TLS' : 'plaintext'), p('bold', wrapText(title, valueWidth))],
    });
    for (const s of secs) {
      s.rows.forEach((r, i) => {
        t.push([i === 0 ? p('cyan', wrapText(s.title, SECTION_W)) : '', p('bold', r.label), r.label === '' || s.title.startsWith('Server chain') ? r.value : wrapText(r.value, valueWidth)]);
      });
    }
    return `${t.toString()}\n`;
  }
  const lines: string[] = [p('bold', title)];
  for (const s of secs) {
    lines.push(p('cyan', s.title));
    for (const r of s.rows) {
      if (r.label === '') lines.push(r.value.split('\n').map((l) => `  ${l}`).join('\n'));
      else lines.push(`  ${p('bold', r.label.padEnd(14))} ${r.value.replace(/\n/g, `\n  ${' '.repeat(15)}`)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
