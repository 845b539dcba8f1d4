// The floor for one-shot PING over TLS: the least a Node program can do to print redis-cli's answer.
// Connect with node:tls (client certificate, CA), send PING, print the reply line, close. No
// argument parsing library, no error handling beyond exiting non-zero. bench/run.mjs times
// tredis-cli against it: what tredis-cli costs above this line is its own.
// Usage: node bench/floor-tls.mjs PORT CA-FILE [CERT-FILE KEY-FILE]
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';

const [port, ca, cert, key] = process.argv.slice(2);
const socket = connect({
  host: '127.0.0.1',
  port: Number(port),
  ca: readFileSync(ca),
  cert: cert ? readFileSync(cert) : undefined,
  key: key ? readFileSync(key) : undefined,
});
socket.on('secureConnect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
let got = '';
socket.on('data', (d) => {
  got += d.toString('latin1');
  const end = got.indexOf('\r\n');
  if (end < 0) return;
  process.stdout.write(`${got.slice(1, end)}\n`);
  socket.destroy();
});
socket.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
