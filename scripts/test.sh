#!/usr/bin/env bash
# Install shootprint with its development tools in .venv, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e ".[server,dev,integrations]"
.venv/bin/ruff check src tests data-raw benchmarks scripts
.venv/bin/ruff format --check src tests data-raw benchmarks scripts
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest
