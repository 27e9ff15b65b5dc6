#!/usr/bin/env bash
# Runs the official lakeFS Python SDK (pinned in requirements.txt) against the embedded server.
# Usage: bash test/interop/run.sh [pytest args...]
# Creates or reuses test/interop/.venv, (re)builds the packages, and fails on any
# test failure, including "no tests collected".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
requirements="$here/requirements.txt"

if ! command -v python3 >/dev/null 2>&1; then
  echo "interop: python3 not found. Install Python 3.10+ with venv support, e.g." >&2
  echo "  apt-get install -y python3 python3-venv   (Debian/Ubuntu)" >&2
  exit 1
fi

# A venv whose interpreter disappeared (Python upgraded or removed) is rebuilt from scratch.
if [ -d "$venv" ] && ! "$venv/bin/python" -c "" >/dev/null 2>&1; then
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv"; then
    rm -rf "$venv"
    echo "interop: 'python3 -m venv' failed. Install the venv module, e.g." >&2
    echo "  apt-get install -y python3-venv   (Debian/Ubuntu)" >&2
    exit 1
  fi
fi

# Reinstall only when requirements.txt changed since the last successful install.
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" >"$stamp"
fi

# The suite runs the built CLI (packages/server/dist); tsc -b is incremental, so this is cheap
# when nothing changed and never tests stale code when something did.
(cd "$root" && npm run --silent build)

cd "$root"
status=0
"$venv/bin/python" -m pytest -c "$here/pytest.ini" --rootdir "$here" "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "interop: pytest collected no tests; treating that as a failure" >&2
  exit 1
fi
exit "$status"
