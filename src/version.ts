/**
 * The versions tredis-cli states, from one place: package.json's `version` (tredis-cli's own) and
 * `redisCliVersion` (the redis-cli it mirrors, byte for byte). The build (scripts/build.mjs) and the
 * test runner (test/vitest.config.ts) read package.json and define `__TREDIS_VERSIONS__`.
 * Importable from every layer, as errors.ts.
 */
declare const __TREDIS_VERSIONS__: { tredis: string; redisCli: string };

/** tredis-cli's own version (package.json `version`). */
export const TREDIS_VERSION: string = __TREDIS_VERSIONS__.tredis;

/** The redis-cli whose behaviour and output bytes tredis-cli mirrors (package.json `redisCliVersion`). */
export const REDIS_CLI_VERSION: string = __TREDIS_VERSIONS__.redisCli;
