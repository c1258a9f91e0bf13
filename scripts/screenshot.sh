#!/usr/bin/env bash
# Screenshots of the real app, for the README and docs/: runs the release binary under a virtual
# X server on the bundled samples and saves one PNG per main view in docs/screenshots/.
# Usage: scripts/screenshot.sh [output folder]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/screenshots}"
mkdir -p "$out"
./setup.sh >/dev/null
cargo build --release --quiet
bin=target/release/carrot
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

shoot() { # name, then KEY=VALUE settings for the app
  local name="$1"; shift
  # A screen twice the window's size keeps the parked pointer off the window (no hover marks).
  env "$@" CARROT_SCREENSHOT="$out/$name.png" \
    timeout 180 xvfb-run -a -s "-screen 0 2880x1800x24" "$bin" >/dev/null 2>&1
  echo "saved $out/$name.png"
}

shoot payouts CARROT_TAB=payouts CARROT_PERSON=001001
shoot charts CARROT_TAB=charts
shoot compare CARROT_TAB=compare
shoot meeting CARROT_TAB=compare CARROT_MEETING=1
shoot behaviour CARROT_TAB=behaviour
