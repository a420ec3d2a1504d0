#!/usr/bin/env bash
# Vendor the IndexedDB helper the phone's outbox uses (https://github.com/jakearchibald/idb) from
# the npm registry into harkat/static/vendor/, so the app never loads it from a CDN.
# Run from the repository root after changing the version; commit the result.
set -euo pipefail
VERSION="${IDB_VERSION:-8.0.3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "idb@${VERSION}" >/dev/null && tar xzf "idb-${VERSION}.tgz")
mkdir -p harkat/static/vendor
{
  echo "/* idb ${VERSION} (ISC licence, Jake Archibald) — vendored by scripts/vendor-offline.sh */"
  cat "$work/package/build/umd.js"
} > harkat/static/vendor/idb.umd.js
echo "harkat/static/vendor/idb.umd.js: idb ${VERSION}"
