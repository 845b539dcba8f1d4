// A small JSON Schema checker for man/tredis-cli-handshake.schema.json: the keywords that file uses
// (type, const, enum, properties, required, additionalProperties: false, items, $ref to $defs,
// anyOf, minimum, pattern, format date-time). Returns every violation with its JSON path.
import { readFileSync } from 'node:fs';

/** The JSON Schema node shapes used by the schema file. */
interface Node {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Node;
  $ref?: string;
  anyOf?: Node[];
  minimum?: number;
  pattern?: string;
  format?: string;
  $defs?: Record<string, Node>;
}

export const HANDSHAKE_SCHEMA_FILE = new URL('../../man/tredis-cli-handshake.schema.json', import.meta.url);

export function loadHandshakeSchema(): Node {
  return JSON.parse(readFileSync(HANDSHAKE_SCHEMA_FILE, 'utf8')) as Node;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, got: string): boolean {
  return want === got || (want === 'number' && got === 'integer');
}

/** Violations of `schema` by `value` (empty when valid). */
export function validate(value: unknown, schema: Node, root: Node = schema, path = '$'): string[] {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = root.$defs?.[name];
    if (!target) return [`${path}: unknown $ref ${schema.$ref}`];
    return validate(value, target, root, path);
  }
  if (schema.anyOf) {
    const all = schema.anyOf.map((s) => validate(value, s, root, path));
    return all.some((e) => e.length === 0) ? [] : all.flat();
  }
  const errs: string[] = [];
  const got = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, got))) return [`${path}: expected ${types.join('|')}, got ${got}`];
  }
  if ('const' in schema && value !== schema.const) errs.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) errs.push(`${path}: ${value} < ${schema.minimum}`);
  if (typeof value === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errs.push(`${path}: ${value} does not match ${schema.pattern}`);
  if (typeof value === 'string' && schema.format === 'date-time' && Number.isNaN(Date.parse(value))) errs.push(`${path}: not a date-time`);
  if (got === 'object' && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in obj)) errs.push(`${path}.${k}: missing`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties[k];
      if (!sub) {
        if (schema.additionalProperties === false) errs.push(`${path}.${k}: not in the schema`);
        continue;
      }
      errs.push(...validate(v, sub, root, `${path}.${k}`));
    }
  }
  if (got === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errs.push(...validate(v, schema.items!, root, `${path}[${i}]`)));
  return errs;
}
