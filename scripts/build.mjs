// Bundles src/cli/main.ts into dist/main.mjs with esbuild. Runs as `npm run build` and as the
// `prepare` script (so `npm ci` / `npm install` build). Silent on success; on failure prints the
// errors to stderr and exits non-zero.
//
// One bundle instead of tsc output: start-up is ~45 ms faster (see ../shared/TOOLCHAIN.md).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'src', 'cli', 'main.ts');
const outfile = path.join(root, 'dist', 'main.mjs');

// Loaded lazily with dynamic import() only by the features that need them (tables, password prompt,
// terminal tests), so they stay out of the bundle and out of every start-up.
const EXTERNAL = ['cli-table3', 'enquirer', '@lydell/node-pty', '@xterm/headless'];

// src/version.ts: the versions come from package.json, nowhere else.
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const DEFINE = { __TREDIS_VERSIONS__: JSON.stringify({ tredis: pkg.version, redisCli: pkg.redisCliVersion }) };

// Bundled CommonJS code calls require() for Node built-ins; an ESM file has no `require`, so give it
// one. Aliased so it cannot collide with an import of createRequire inside the bundle.
const BANNER = [
  "import { createRequire as __tredisCreateRequire } from 'node:module';",
  'const require = __tredisCreateRequire(import.meta.url);',
].join('\n');

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
  // Chunks from an earlier build would pile up (their names carry a hash).
  rmSync(path.join(path.dirname(outfile), 'chunks'), { recursive: true, force: true });
  try {
    const result = await build({
      entryPoints: [entry],
      // Code splitting: what only the REPL or `help` needs (the command table, the line editor) is a
      // chunk loaded by dynamic import(), not parsed at every start.
      outdir: path.dirname(outfile),
      entryNames: 'main',
      chunkNames: 'chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      splitting: true,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      minify: false,
      legalComments: 'none',
      external: EXTERNAL,
      banner: { js: BANNER },
      define: DEFINE,
      logLevel: 'silent',
    });
    // Warnings are printed (they should be fixed), but do not fail the build.
    await report(result.warnings, 'warning');
    return 0;
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
}

process.exitCode = await main();
