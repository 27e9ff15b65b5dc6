#!/usr/bin/env bash
# Runs schemathesis (pinned in requirements.txt, installed into test/reliability/.venv) against a
# fresh embedded server with lakeFS's API spec (test/support/lakefs-api.json), checking that no generated request, valid or
# not, gets a server error (501, lakeFS's "not supported here", is allowed: schemathesis_hooks.py).
# Usage: bash test/reliability/schemathesis.sh [max-examples per operation (default 5)] [extra st args...]
# Env: LAKEFS_TS_SWAGGER (default test/support/lakefs-api.json), RELIABILITY_SEED.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
spec="${LAKEFS_TS_SWAGGER:-$root/test/support/lakefs-api.json}"
examples="${1:-5}"
shift || true

if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi

work="$(mktemp -d)"
node --conditions=development --import tsx "$here/support/serve.ts" "$work/data" >"$work/url" 2>"$work/err" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  [ -s "$work/url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/url")"

# Run from the temp directory: schemathesis keeps a .schemathesis/ cache in its working directory.
cd "$work"
PYTHONPATH="$here" SCHEMATHESIS_HOOKS=schemathesis_hooks "$venv/bin/st" run "$spec" \
  --url "$url/api/v1" \
  --auth 'AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' \
  --checks no_server_error_except_501 \
  --max-examples "$examples" \
  --seed "${RELIABILITY_SEED:-1}" \
  --workers 2 \
  --request-timeout 30 \
  "$@"
