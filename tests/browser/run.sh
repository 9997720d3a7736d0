#!/usr/bin/env bash
# Runs the console's browser tests (console.test.js) in headless Chromium against a real
# `terrane serve`. Installs playwright-core (pinned by package-lock.json) with `npm ci` into
# NPM_DIR when it is missing or stale. A missing node, npm or chromium FAILS with the reason:
# nothing here is ever skipped.
#   TERRANE_BIN         the terrane binary under test
#   NPM_DIR             where node_modules goes (the build tree, not the sources)
#   ARTIFACTS_DIR       where screenshots go
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${TERRANE_BIN:?set TERRANE_BIN to the terrane binary}"
: "${NPM_DIR:?set NPM_DIR to a directory for node_modules}"
: "${ARTIFACTS_DIR:?set ARTIFACTS_DIR to a directory for screenshots}"
export CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}

fail() { echo "browser tests FAILED: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is not on PATH (scripts/install-deps.sh installs Debian's nodejs)"
command -v npm >/dev/null || fail "npm is not on PATH (scripts/install-deps.sh installs Debian's npm)"
major=$(node -p 'process.versions.node.split(".")[0]')
((major >= 18)) || fail "node $(node --version) is too old: Node.js 18 or newer is needed"
[[ -x $CHROMIUM_BIN ]] || fail "$CHROMIUM_BIN is missing (Debian package chromium; scripts/install-deps.sh installs it)"
command -v terraform >/dev/null || fail "terraform is not on PATH; the console tests run real runs"
command -v git >/dev/null || fail "git is not on PATH; runs check out workspaces with git"

# npm ci when node_modules is missing or was installed from another lock file.
mkdir -p "$NPM_DIR" "$ARTIFACTS_DIR"
lock_sum=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
stamp="$NPM_DIR/node_modules/.terrane-lock-sha256"
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$NPM_DIR/"
  (cd "$NPM_DIR" && npm ci --no-audit --no-fund --loglevel=error) ||
    fail "npm ci of playwright-core failed (is the npm registry reachable?)"
  echo "$lock_sum" >"$stamp"
fi

export NODE_MODULES_DIR="$NPM_DIR/node_modules"
exec node --test "$here/console.test.js"
