#!/usr/bin/env bash
# Resolve pyproject.toml's ranges afresh in a scratch venv and write the exact pins to constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
"$tmp/venv/bin/python" -m pip install -q -e ".[server,dev,data,integrations]"
{
  echo "# Exact versions CI and the README's commands install (pip install -c constraints.txt ...)."
  echo "# pyproject.toml holds the ranges; regenerate with scripts/lock.sh after changing them."
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^-e'
} > constraints.txt
