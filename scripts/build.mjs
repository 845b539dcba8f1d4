// Bundles src/cli/main.ts into dist/main.cjs with esbuild, then makes V8's code cache for it
// (dist/main.cjs.cache, read by bin/tredis-cli). Runs as `npm run build` and as the `prepare` script
// (so `npm ci` / `npm install` build). Silent on success; on failure prints the errors to stderr and
// exits non-zero.
//
// Why this shape (measured with `npm run bench` and `node --cpu-prof`; see README "Performance"):
// - one bundle instead of tsc output: no module resolution at start (~45 ms, ../shared/TOOLCHAIN.md);
// - CommonJS, not ESM: the ESM loader and the ES-module facades of node:fs, node:tls … (each built
//   by reading every export, which for node:fs loads its streams) cost ~15 ms at every start;
// - one file, not split: esbuild splits ESM only. What only the REPL or `help` needs (the line
//   editor, the help text) is still not evaluated until used: esbuild wraps a module reached by
//   import() in a function run on first use, and V8 only pre-parses it. The one exception is the
//   command table (src/repl/command-table.ts, pure data, ~96 KB: a fifth of the bundle), built to
//   dist/command-table.cjs and required from there on first use: every start reads the bundle whole,
//   and at ~4 ms for 440 KB on the measured machine its size is start-up time;
// - a code cache: compiling the bundle is ~10 ms of a cold start; with the cache V8 skips parsing.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src', 'cli', 'main.ts');
const outfile = path.join(root, 'dist', 'main.cjs');

// Loaded lazily with dynamic import() only by the features that need them (tables, password prompt,
// terminal tests), so they stay out of the bundle and out of every start-up.
const EXTERNAL = ['cli-table3', 'enquirer', '@lydell/node-pty', '@xterm/headless'];

// The command table: its own file next to the bundle (see above). It imports types only, so the
// bundle and it share no module state.
const COMMAND_TABLE = path.join(root, 'src', 'repl', 'command-table.ts');
const COMMAND_TABLE_OUT = path.join(root, 'dist', 'command-table.cjs');
/** @type {import('esbuild').Plugin} */
const commandTableApart = {
  name: 'command-table-apart',
  setup(b) {
    b.onResolve({ filter: /[/\\]command-table\.js$/ }, () => ({ path: './command-table.cjs', external: true }));
  },
};

// src/version.ts: the versions come from package.json, nowhere else.
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const DEFINE = { __TREDIS_VERSIONS__: JSON.stringify({ tredis: pkg.version, redisCli: pkg.redisCliVersion }) };

/** esbuild is a devDependency: `npm install -g .` without a prior `npm install` has none. */
async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (err) {
    process.stderr.write(
      `build: cannot load esbuild (${err instanceof Error ? err.message.split('\n')[0] : String(err)})\n` +
        'build: run `npm install` in the repository first (it installs esbuild and builds)\n',
    );
    return undefined;
  }
}

async function main() {
  if (!existsSync(entry)) {
    process.stderr.write(`build: entry point ${path.relative(root, entry)} does not exist; nothing to bundle\n`);
    return 1;
  }
  const esbuild = await loadEsbuild();
  if (esbuild === undefined) return 1;
  const { build, formatMessages } = esbuild;
  /** @param {import('esbuild').Message[]} messages @param {'error' | 'warning'} kind */
  const report = async (messages, kind) => {
    if (messages.length === 0) return;
    const lines = await formatMessages(messages, { kind, color: false });
    process.stderr.write(lines.join(''));
  };
  // What earlier builds left: the ESM bundle and its chunks (before the CommonJS bundle), a stale cache.
  const dist = path.dirname(outfile);
  for (const old of ['chunks', 'main.mjs', 'main.mjs.map', 'main.cjs.cache']) rmSync(path.join(dist, old), { recursive: true, force: true });
  try {
    const result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      // import() becomes require(): the shim compiles the bundle with node:vm, where import() would
      // need a loader callback; the externals it loads are CommonJS packages anyway.
      supported: { 'dynamic-import': false },
      sourcemap: 'linked',
      // Whitespace and syntax only (names stay, stack traces map through the source map): a smaller
      // file is less to read, hash and keep at every start. ASCII output (non-ASCII escaped, comments
      // gone) lets the shim read it as latin1, which is faster than UTF-8 decoding.
      minifyWhitespace: true,
      minifySyntax: true,
      charset: 'ascii',
      legalComments: 'none',
      external: EXTERNAL,
      define: DEFINE,
      plugins: [commandTableApart],
      logLevel: 'silent',
    });
    // Warnings are printed (they should be fixed), but do not fail the build.
    await report(result.warnings, 'warning');
    const table = await build({
      entryPoints: [COMMAND_TABLE],
      outfile: COMMAND_TABLE_OUT,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minifyWhitespace: true,
      minifySyntax: true,
      charset: 'ascii',
      legalComments: 'none',
      logLevel: 'silent',
    });
    await report(table.warnings, 'warning');
    stampBuildId();
  } catch (err) {
    // esbuild's BuildFailure carries structured errors; anything else is unexpected.
    const errors = /** @type {{ errors?: import('esbuild').Message[] }} */ (err).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      await report(errors, 'error');
    } else {
      process.stderr.write(`build: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    }
    process.stderr.write(`build: failed to bundle ${path.relative(root, entry)}\n`);
    return 1;
  }
  await makeCodeCache();
  return 0;
}

/**
 * Ends the bundle with `//# tredis-build=<SHA-1 of the bundle>`: the shim takes the code cache only
 * when the cache starts with the same id, without hashing 400 KB at every start. (V8 itself also
 * rejects a cache made for a source of another length.) Fails the build on a non-ASCII byte, which
 * the shim's latin1 read would garble.
 */
function stampBuildId() {
  const bytes = readFileSync(outfile);
  const bad = bytes.findIndex((b) => b > 0x7f);
  if (bad >= 0) throw new Error(`dist/main.cjs has a non-ASCII byte at offset ${bad}; the shim reads it as latin1`);
  const id = createHash('sha1').update(bytes).digest('hex');
  writeFileSync(outfile, Buffer.concat([bytes, Buffer.from(`//# tredis-build=${id}\n`)]));
}

/**
 * V8's code cache for dist/main.cjs, taken at the end of a real run so that it holds the functions a
 * one-shot command compiles, not only the top level: the shim runs `PING` against a stand-in server
 * on loopback that answers +PONG, and writes the cache on exit. The run is over mutual TLS (a
 * throw-away self-signed certificate made with openssl) so the cache holds the TLS path too; without
 * openssl it is plaintext. A failure here only costs start-up time (the shim compiles without a
 * cache), so it warns and the build still succeeds.
 */
async function makeCodeCache() {
  const cacheFile = `${outfile}.cache`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tredis-build-'));
  try {
    const pem = makeThrowAwayCert(tmp);
    /** @param {import('node:net').Socket} socket */
    const pong = (socket) => {
      socket.on('data', () => socket.write('+PONG\r\n'));
      socket.on('error', () => undefined);
    };
    const server = pem
      ? createTlsServer({ key: readFileSync(pem.key), cert: readFileSync(pem.cert), ca: readFileSync(pem.cert), requestCert: true }, pong)
      : createServer(pong);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    try {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      const tlsArgs = pem ? ['--tls', '--cacert', pem.cert, '--cert', pem.cert, '--key', pem.key] : [];
      const run = await new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'bin', 'tredis-cli'), '-h', '127.0.0.1', '-p', String(address.port), ...tlsArgs, 'PING'], {
          env: { ...process.env, TREDIS_CLI_WRITE_CODE_CACHE: cacheFile },
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 20_000,
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      });
      if (run.code !== 0 || !existsSync(cacheFile)) {
        rmSync(cacheFile, { force: true });
        process.stderr.write(`build: warning: no code cache made (start-up is slower without it): ${run.out.trim()}\n`);
      }
    } finally {
      server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A self-signed P-256 certificate for 127.0.0.1 (one day), or undefined when openssl is missing. */
function makeThrowAwayCert(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0 && existsSync(cert) ? { key, cert } : undefined;
}


process.exitCode = await main();
