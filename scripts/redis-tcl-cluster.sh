#!/usr/bin/env bash
# Runs Redis 7.0.15's own tests/unit/cluster.tcl with tredis-cli in the place of src/redis-cli.
#
# The test tree comes from (first found): $REDIS_SRC (an unpacked redis 7.0.15 source), a git
# clone of redis given as $REDIS_GIT (`git archive 7.0.15`), or `apt-get source redis` (needs a
# deb-src line). Needs tclsh (apt-get install -y tcl) and redis-server 7.0.15 on PATH.
# src/redis-server is a link to the installed server; src/redis-cli runs bin/tredis-cli.
# Usage: npm run build && scripts/redis-tcl-cluster.sh [more runtest options]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
command -v tclsh >/dev/null || { echo "tclsh not found (apt-get install -y tcl)" >&2; exit 2; }
server="$(command -v redis-server)" || { echo "redis-server not found (apt-get install -y redis-server)" >&2; exit 2; }
[ -x "$here/bin/tredis-cli" ] && [ -f "$here/dist/main.cjs" ] || { echo "build tredis-cli first: npm run build" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tredis-tcl-XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ -n "${REDIS_SRC:-}" ]; then
  cp -r "$REDIS_SRC/tests" "$REDIS_SRC/runtest" "$work/"
elif [ -n "${REDIS_GIT:-}" ]; then
  git -C "$REDIS_GIT" archive 7.0.15 tests runtest | tar -x -C "$work"
else
  (cd "$work" && apt-get source --download-only redis >/dev/null && dpkg-source -x redis_*.dsc src-tree >/dev/null) ||
    { echo "no redis source: set REDIS_SRC or REDIS_GIT, or add a deb-src line for apt-get source" >&2; exit 2; }
  mv "$work/src-tree/tests" "$work/src-tree/runtest" "$work/"
fi

mkdir -p "$work/src"
ln -s "$server" "$work/src/redis-server"
printf '#!/bin/sh\nexec "%s/bin/tredis-cli" "$@"\n' "$here" > "$work/src/redis-cli"
chmod +x "$work/src/redis-cli"

cd "$work"
tclsh tests/test_helper.tcl --single unit/cluster --clients 1 "$@"
