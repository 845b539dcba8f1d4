/**
 * The decoded form of one RESP2/RESP3 reply. Payload bytes stay `Buffer` (redis-cli escapes bytes, so
 * nothing is decoded to `string` before `format/`). Names follow the RESP3 specification.
 */
export type RespValue =
  /** `+` simple string (redis-cli: "status"). */
  | { kind: 'simple'; value: Buffer; attributes?: RespMapEntries }
  /** `-` simple error, or `!` blob error (`blob: true`). A reply, never thrown. */
  | { kind: 'error'; value: Buffer; blob?: boolean; attributes?: RespMapEntries }
  /** `:` integer: full 64-bit range. */
  | { kind: 'integer'; value: bigint; attributes?: RespMapEntries }
  /** `$` bulk string. */
  | { kind: 'bulk'; value: Buffer; attributes?: RespMapEntries }
  /** `=` verbatim string: `format` is the three-letter type (`txt`, `mkd`), `value` the text after `xxx:`. */
  | { kind: 'verbatim'; format: string; value: Buffer; attributes?: RespMapEntries }
  /** Null: RESP2 `$-1` (`from: 'bulk'`), RESP2 `*-1` (`from: 'array'`), RESP3 `_` (`from: 'null'`). */
  | { kind: 'null'; from: 'bulk' | 'array' | 'null'; attributes?: RespMapEntries }
  /** `,` double, the wire text kept as sent (`1.5`, `inf`, `-inf`, `nan`). */
  | { kind: 'double'; text: string; attributes?: RespMapEntries }
  /** `#` boolean. */
  | { kind: 'boolean'; value: boolean; attributes?: RespMapEntries }
  /** `(` big number, the wire text kept (`-`? digits). */
  | { kind: 'bignum'; text: string; attributes?: RespMapEntries }
  /** `*` array, `~` set, `>` push. */
  | { kind: 'array' | 'set' | 'push'; items: RespValue[]; attributes?: RespMapEntries }
  /** `%` map: ordered key/value pairs (keys may repeat and be of any type). */
  | { kind: 'map'; entries: RespMapEntries; attributes?: RespMapEntries };

/** Ordered pairs of a map or attribute. */
export type RespMapEntries = Array<[RespValue, RespValue]>;

export type RespKind = RespValue['kind'];

/** Protocol type bytes (RESP3 spec names). */
export const RESP_TYPE = {
  SIMPLE_STRING: 0x2b, // +
  SIMPLE_ERROR: 0x2d, // -
  INTEGER: 0x3a, // :
  BULK_STRING: 0x24, // $
  ARRAY: 0x2a, // *
  NULL: 0x5f, // _
  BOOLEAN: 0x23, // #
  DOUBLE: 0x2c, // ,
  BIG_NUMBER: 0x28, // (
  BULK_ERROR: 0x21, // !
  VERBATIM_STRING: 0x3d, // =
  MAP: 0x25, // %
  SET: 0x7e, // ~
  ATTRIBUTE: 0x7c, // |
  PUSH: 0x3e, // >
} as const;
