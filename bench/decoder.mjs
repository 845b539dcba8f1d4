// `npm run bench -- decoder`: RESP decoder throughput, tredis-cli's RespDecoder against the decoder
// of @redis/client and against redis-parser, on the same bytes fed in the same 64 KiB chunks (what a
// socket hands over). Both others are devDependencies installed for this benchmark only.
//
// Every decoder is asked for Buffers, as tredis-cli keeps payloads (redis-cli escapes bytes, so
// nothing is decoded to a string before format/): redis-parser with `returnBuffers`, @redis/client
// with a type mapping of Buffer for simple and blob strings. Rounds are interleaved (ours, theirs,
// ours, …) after one warm-up round each; the median is reported. PASS when ours is at least as fast
// as each of the others on every payload (skipped with --smoke, which runs tiny sizes only). A last
// column, outside the verdict, shows ours when every bulk payload is also asked for as a Buffer:
// `next()` returns bulk strings as BulkReply, whose Buffer view is made on first use of `.value`.
//
// Usage: node --expose-gc bench/decoder.mjs [--smoke] [--rounds N] [--only small|array|bulk]
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const smoke = process.argv.includes('--smoke');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : smoke ? 1 : 5;
const CHUNK = 64 * 1024;
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;

/** Our decoder, bundled from src/ with esbuild (a devDependency) into a temporary module. */
async function loadOurs() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'tredis-decoder-bench-'));
  try {
    const file = path.join(dir, 'resp.mjs');
    const out = await build({ entryPoints: [path.join(root, 'src', 'resp', 'index.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
    writeFileSync(file, out.outputFiles[0].contents);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadOthers() {
  const hint = 'run `npm install` in the repository (@redis/client and redis-parser are devDependencies for this benchmark)';
  try {
    // Not in @redis/client's exports map under this name; the file path is stable across 5.x/6.x.
    const { Decoder, RESP_TYPES } = require(path.join(root, 'node_modules', '@redis', 'client', 'dist', 'lib', 'RESP', 'decoder.js'));
    const Parser = require('redis-parser');
    return { Decoder, RESP_TYPES, Parser };
  } catch (err) {
    console.error(`bench decoder: cannot load the decoders to compare with (${err.message.split('\n')[0]})\nhint: ${hint}`);
    process.exit(1);
  }
}

/** The payloads, as one Buffer each, cut into CHUNK-sized views when fed. */
function payloads() {
  const small = smoke ? 10_000 : 1_000_000;
  const arrayLen = smoke ? 10_000 : 1_000_000;
  const bulkLen = smoke ? 1024 * 1024 : 100 * 1024 * 1024;
  const parts = [];
  // Many small replies, as piped SET/GET/INCR give: status, bulk and integer replies in turn.
  for (let i = 0; i < small; i++) {
    const r = i % 3;
    if (r === 0) parts.push('+OK\r\n');
    else if (r === 1) parts.push(`$${`value:${i}`.length}\r\nvalue:${i}\r\n`);
    else parts.push(`:${i}\r\n`);
  }
  const smallBuf = Buffer.from(parts.join(''), 'latin1');
  parts.length = 0;
  parts.push(`*${arrayLen}\r\n`);
  for (let i = 0; i < arrayLen; i++) parts.push(`$${`element-${i}`.length}\r\nelement-${i}\r\n`);
  const arrayBuf = Buffer.from(parts.join(''), 'latin1');
  const head = Buffer.from(`$${bulkLen}\r\n`, 'latin1');
  const bulkBuf = Buffer.alloc(head.length + bulkLen + 2, 0x78);
  head.copy(bulkBuf, 0);
  bulkBuf.write('\r\n', head.length + bulkLen, 'latin1');
  return [
    { key: 'small', name: `${small.toLocaleString('en-US')} small replies`, buf: smallBuf, replies: small },
    { key: 'array', name: `array of ${arrayLen.toLocaleString('en-US')} bulk strings`, buf: arrayBuf, replies: 1 },
    { key: 'bulk', name: `one bulk string of ${bulkLen / 1024 / 1024} MiB`, buf: bulkBuf, replies: 1 },
  ].filter((p) => ONLY === undefined || p.key === ONLY);
}

function chunks(buf) {
  const out = [];
  for (let i = 0; i < buf.length; i += CHUNK) out.push(buf.subarray(i, Math.min(buf.length, i + CHUNK)));
  return out;
}

/** Each decoder as: feed all chunks, return the number of top-level replies it produced. */
function decoders(ours, others) {
  const { Decoder, RESP_TYPES, Parser } = others;
  const mapping = { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer };
  return [
    {
      name: 'tredis-cli RespDecoder',
      run(cs) {
        const d = new ours.RespDecoder();
        let n = 0;
        for (const c of cs) {
          d.feed(c);
          while (d.next() !== undefined) n++;
        }
        return n;
      },
    },
    {
      name: '@redis/client Decoder',
      run(cs) {
        let n = 0;
        const d = new Decoder({ onReply: () => n++, onErrorReply: () => n++, onPush: () => n++, getTypeMapping: () => mapping });
        for (const c of cs) d.write(c);
        return n;
      },
    },
    {
      name: 'redis-parser',
      run(cs) {
        let n = 0;
        const p = new Parser({ returnReply: () => n++, returnError: () => n++, returnBuffers: true });
        for (const c of cs) p.execute(c);
        return n;
      },
    },
    {
      // not in the verdict, shown for honesty: next() makes a bulk string's Buffer view on first use
      // of `.value` (BulkReply), so here every payload is asked for, as the others hand them over
      name: 'tredis-cli, every payload made a Buffer',
      info: true,
      run(cs) {
        const d = new ours.RespDecoder();
        let n = 0;
        for (const c of cs) {
          d.feed(c);
          for (let v = d.next(); v !== undefined; v = d.next()) {
            touch(v);
            n++;
          }
        }
        return n;
      },
    },
  ];
}

/** Asks every bulk string of a value for its Buffer (and integers for their bigint). */
function touch(v) {
  if (v.kind === 'bulk' || v.kind === 'integer') return v.value;
  if (v.items !== undefined) for (const item of v.items) touch(item);
  return undefined;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ours = await loadOurs();
const others = loadOthers();
const decs = decoders(ours, others);
const results = [];
let failed = false;
for (const p of payloads()) {
  const cs = chunks(p.buf);
  const times = decs.map(() => []);
  for (let round = -1; round < ROUNDS; round++) {
    for (let k = 0; k < decs.length; k++) {
      // Rotate the order so no decoder always runs right after the garbage of the same one.
      const j = (k + Math.max(round, 0)) % decs.length;
      globalThis.gc?.();
      const t0 = process.hrtime.bigint();
      const n = decs[j].run(cs);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (n !== p.replies) {
        console.error(`bench decoder: ${decs[j].name} produced ${n} replies from "${p.name}", expected ${p.replies}`);
        process.exit(1);
      }
      if (round >= 0) times[j].push(ms);
    }
  }
  const mibs = times.map((t) => p.buf.length / 2 ** 20 / (median(t) / 1000));
  results.push({ payload: p.name, bytes: p.buf.length, decoders: decs.map((d, j) => ({ name: d.name, ms: median(times[j]), MiBps: mibs[j] })) });
}

console.log(`decoder throughput (Node ${process.version}, ${ROUNDS} rounds, median, ${CHUNK / 1024} KiB chunks${globalThis.gc ? ', gc between runs' : ''})`);
console.log('| payload | bytes | ' + decs.map((d) => `${d.name} MiB/s`).join(' | ') + ' | ours / best other | target |');
console.log('|---|---|' + decs.map(() => '---|').join('') + '---|---|');
for (const r of results) {
  const [mine] = r.decoders;
  const best = Math.max(...r.decoders.filter((d, j) => j > 0 && decs[j].info !== true).map((d) => d.MiBps));
  const ratio = mine.MiBps / best;
  const verdict = smoke ? 'not checked (smoke)' : ratio >= 1 ? 'PASS (≥ 1.00)' : 'FAIL (≥ 1.00)';
  if (!smoke && ratio < 1) failed = true;
  console.log(`| ${r.payload} | ${r.bytes} | ${r.decoders.map((d) => d.MiBps.toFixed(0)).join(' | ')} | ${ratio.toFixed(2)} | ${verdict} |`);
}
if (failed) process.exitCode = 1;
