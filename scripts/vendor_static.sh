#!/bin/sh
# Rebuild harkat/static/vendor/bootstrap.min.css: Bootstrap's CSS from the npm registry, purged
# down to the classes our templates, Python code and scripts use (scripts/purgecss.config.cjs).
# Run `make vendor` after using a Bootstrap class no template used before; commit the output.
# No Bootstrap JavaScript is shipped: the menu is <details>, harkat/static/harkat.js does the rest.
set -eu
BOOTSTRAP_VERSION=5.3.8
PURGECSS_VERSION=7.0.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

cd "$WORK"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --ignore-scripts \
    "bootstrap@$BOOTSTRAP_VERSION" "purgecss@$PURGECSS_VERSION"

OUT="$ROOT/harkat/static/vendor/bootstrap.min.css"
mkdir -p "$(dirname "$OUT")"
BOOTSTRAP_CSS="$WORK/node_modules/bootstrap/dist/css/bootstrap.min.css" \
CONFIG="$ROOT/scripts/purgecss.config.cjs" OUT="$OUT" NODE_PATH="$WORK/node_modules" node -e '
const fs = require("fs");
const { PurgeCSS } = require("purgecss");
new PurgeCSS().purge(require(process.env.CONFIG)).then(([result]) => {
  // The source map is not shipped, so its comment goes too.
  const css = result.css.replace(/\/\*# sourceMappingURL=[^*]*\*\//, "").trim() + "\n";
  fs.writeFileSync(process.env.OUT, css);
});
'
# Every class a Bootstrap rule starts with (".btn", not ".nav-item" of ".nav-fill .nav-item"), for
# the test that finds a template using one the purged file lacks (tests/functional/test_weight.py).
grep -oE '[{},]\.[a-zA-Z][a-zA-Z0-9_-]*' "$WORK/node_modules/bootstrap/dist/css/bootstrap.min.css" \
    | cut -c3- | sort -u > "$ROOT/scripts/bootstrap-classes.txt"
wc -c "$OUT"
