// `npm run demo [-- [--yes] [tredis-cli args...]]`: a throwaway local TLS redis-server with generated
// certificates, and tredis-cli connected to it (the REPL when stdin is a terminal).
//
//   npm run demo                               interactive session
//   npm run demo -- --show-handshake PING      one command, extra flags passed to tredis-cli
//   npm run demo -- --yes                      allow installing redis-server without a terminal
//
// The server binds 127.0.0.1 on a free port, is stopped by its PID when tredis-cli exits (or on
// SIGINT/SIGTERM/SIGHUP), and its folder under .tmp/demo is removed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCerts, startRedis } from './lib/tls-lab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, '.tmp');
const bin = path.join(root, 'bin', 'tredis-cli');
const bundle = path.join(root, 'dist', 'main.cjs');
const INSTALL_HINT = 'sudo apt-get install -y redis-server';

/** @param {string} line */
const say = (line) => process.stderr.write(`demo: ${line}\n`);

/** `--yes` is ours when it comes before the first word that is not an option; the rest is tredis-cli's. */
function splitArgs(argv) {
  let yes = false;
  const rest = [];
  let inOptions = true;
  for (const arg of argv) {
    if (inOptions && arg === '--yes') {
      yes = true;
      continue;
    }
    if (!arg.startsWith('-')) inOptions = false;
    rest.push(arg);
  }
  return { yes, rest };
}

/** @param {string} cmd */
function onPath(cmd) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

/** Runs a command with inherited stdio; true when it exited 0. @param {string[]} argv */
function run(argv) {
  say(`running: ${argv.join(' ')}`);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

/**
 * Installs redis-server (and openssl) with apt-get when missing, if we may: as root or with
 * passwordless sudo, and with a terminal on stdin or --yes. Otherwise says what to run and exits 1.
 * @param {boolean} yes
 */
function ensurePackages(yes) {
  const missing = [];
  if (!onPath('redis-server')) missing.push('redis-server');
  if (!onPath('openssl')) missing.push('openssl');
  if (missing.length === 0) return;

  const hint = missing.includes('openssl') ? `${INSTALL_HINT} openssl` : INSTALL_HINT;
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  const mayInstall = (isRoot || sudo) && onPath('apt-get') && (process.stdin.isTTY === true || yes);
  if (!mayInstall) {
    say(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed. Install with:`);
    process.stderr.write(`\n    ${hint}\n\n`);
    say('then run `npm run demo` again (as root, `npm run demo -- --yes` installs it for you).');
    process.exit(1);
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  say(`${missing.join(' and ')} not found; installing with apt-get`);
  if (!run([...prefix, 'apt-get', 'update']) || !run([...prefix, 'apt-get', 'install', '-y', ...missing]) || !onPath('redis-server')) {
    say(`installing failed; run this yourself:\n\n    ${hint}\n`);
    process.exit(1);
  }
}

function ensureBuilt() {
  if (existsSync(bundle)) return;
  say('dist/ is missing; building first (npm run build)');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) {
    say('the build failed; see above');
    process.exit(1);
  }
}

/** A path as the user would type it from the current folder. @param {string} p */
function shown(p) {
  const rel = path.relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** Quotes a word for a POSIX shell when needed. @param {string} word */
function shellQuote(word) {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

async function main() {
  const { yes, rest } = splitArgs(process.argv.slice(2));
  ensurePackages(yes);
  ensureBuilt();

  const certs = await makeCerts(path.join(tmp, 'certs'), { log: (line) => say(line) });
  const server = await startRedis({
    dir: path.join(tmp, 'demo'),
    name: 'demo',
    tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, authClients: 'no' },
  });

  let stopping;
  const stopServer = () => {
    stopping ??= server.stop().then(() => rm(server.dir, { recursive: true, force: true }));
    return stopping;
  };

  // The banner shows exactly what runs (the child has our cwd, so the short CA path is valid).
  const cliArgs = ['--tls', '--cacert', shown(certs.ca), '-h', 'localhost', '-p', String(server.tlsPort), ...rest];
  process.stderr.write(
    [
      '',
      `  redis-server (pid ${server.pid}) with TLS on 127.0.0.1:${server.tlsPort}, stopped when tredis-cli exits`,
      `  CA certificate: ${shown(certs.ca)}`,
      `  running: tredis-cli ${cliArgs.map(shellQuote).join(' ')}`,
      '',
      '',
    ].join('\n'),
  );

  // Run the shim through this Node, so the exec bit and PATH do not matter.
  const child = spawn(process.execPath, [bin, ...cliArgs], { stdio: 'inherit' });

  let interrupts = 0;
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    if (signal === 'SIGINT' && process.stdin.isTTY && interrupts++ === 0) {
      // Ctrl-C on the terminal reached tredis-cli too (same process group): let it decide
      // (clear the line, stop a command, or exit). A second one ends the demo.
      return;
    }
    // Otherwise pass the signal on; the server is stopped once tredis-cli has exited (below), and
    // right away too in case it does not exit.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    void stopServer();
  };
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, onSignal);

  const code = await new Promise((resolve) => {
    child.once('error', (err) => {
      say(`could not start tredis-cli: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (status, signal) => {
      resolve(status ?? 128 + (signal ? osConstants.signals[signal] ?? 0 : 0));
    });
  });
  await stopServer();
  return code;
}

try {
  process.exitCode = await main();
} catch (err) {
  say(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
