// The floor for one-shot PING over plain TCP: connect with node:net, send PING, print the reply
// line, close. See floor-tls.mjs.
// Usage: node bench/floor-tcp.mjs PORT
import { connect } from 'node:net';

const socket = connect({ host: '127.0.0.1', port: Number(process.argv[2]) });
socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
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
