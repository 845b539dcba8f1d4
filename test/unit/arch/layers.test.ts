import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** What each layer may import (docs/ARCHITECTURE.md). `errors.ts` and `version.ts` are importable from everywhere. */
const ALLOWED: Record<string, string[]> = {
  resp: ['resp'],
  connection: ['connection', 'resp'],
  // The command-traits table: a leaf (imports nothing) that every layer above it asks.
  commands: ['commands'],
  client: ['client', 'commands', 'connection', 'resp'],
  format: ['format', 'commands', 'resp', 'connection'],
  modes: ['modes', 'commands', 'client', 'format', 'resp', 'connection'],
  repl: ['repl', 'modes', 'commands', 'client', 'format', 'resp', 'connection'],
  cli: ['cli', 'modes', 'repl', 'commands', 'client', 'format', 'resp', 'connection'],
};

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Value imports (not `import type`) of relative modules, including dynamic `import()`. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*import\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*export\s+(?!type\s)[^'"]*?from\s+'(\.[^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

const rows = files(src).flatMap((file) => {
  const layer = relative(src, file).split('/')[0]!;
  if (!(layer in ALLOWED)) return [];
  return relativeImports(readFileSync(file, 'utf8')).map((spec) => {
    const target = relative(src, resolve(dirname(file), spec)).split('/')[0]!;
    return { from: relative(src, file), spec, layer, target };
  });
});

describe('layering (STYLE.md §1)', () => {
  it('finds the source files', () => {
    expect(rows.length).toBeGreaterThan(20);
  });
  it.each(rows)('$from imports $spec', ({ layer, target }) => {
    const ok = target === 'errors.js' || target === 'version.js' || ALLOWED[layer]!.includes(target);
    expect(ok, `${layer}/ may not import ${target}/`).toBe(true);
  });
});
