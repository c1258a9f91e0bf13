#!/usr/bin/env bash
# Installs what the benchmarks compare against: pandas, in a virtual environment of this checkout
# (.venv-bench), for `cargo bench --no-default-features --bench export_pandas`. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  # Debian's python3 keeps venv's pip bootstrap in a separate package.
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends python3-venv
fi
[ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
.venv-bench/bin/pip install --quiet "pandas>=2.2"
.venv-bench/bin/python -c 'import pandas; print("bench-setup: pandas", pandas.__version__, "in .venv-bench")'
