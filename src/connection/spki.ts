import { createHash, type X509Certificate } from 'node:crypto';

/**
 * base64 SHA-256 of a certificate's SubjectPublicKeyInfo (HPKP, curl --pinnedpubkey, --pin-sha256).
 * Not `PeerCertificate.pubkey`: for an EC key that is the bare point, not the SubjectPublicKeyInfo
 * that `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256` hashes.
 */
export function spkiSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}
