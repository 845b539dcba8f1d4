/**
 * A minimal DER reader: enough for what node:crypto does not expose — a certificate's outer
 * signatureAlgorithm (X509Certificate has no accessor for it in Node 20) and the ticket lifetime
 * hint of a TLS session (tls.TLSSocket#getSession() is OpenSSL's SSL_SESSION in DER). Every read is
 * bounds-checked; malformed input gives null or stops the walk, never throws.
 */

/** One tag-length-value: the tag byte and where its contents start and end in the buffer. */
export interface Tlv {
  tag: number;
  start: number;
  end: number;
}

export function readTlv(b: Buffer, off: number): Tlv | null {
  if (off + 2 > b.length) return null;
  const tag = b[off]!;
  let len = b[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > b.length) return null;
  return { tag, start: p, end: p + len };
}

export function children(b: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  // A child is read within its parent's bytes: a length that runs past the parent ends the list.
  const parent = b.subarray(0, t.end);
  let off = t.start;
  while (off < t.end) {
    const c = readTlv(parent, off);
    if (!c) break;
    out.push(c);
    off = c.end;
  }
  return out;
}

export function oidText(b: Buffer, t: Tlv): string {
  const bytes = b.subarray(t.start, t.end);
  if (bytes.length === 0) return '';
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}
