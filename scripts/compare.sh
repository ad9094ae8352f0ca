#!/usr/bin/env bash
# Install shootprint in .venv, then run the main job: the reference campaign made five ways.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e ".[server]"
.venv/bin/shootprint compare examples/reference/*.yaml "$@"
