#!/usr/bin/env bash
# Screenshots of the real app under a virtual X server, on the bundled samples.
#
#   scripts/screenshot.sh            the README's pictures, in docs/screenshots/
#   scripts/screenshot.sh --all DIR  every view at 1280x800 and 1920x1080, light and dark, in DIR
#
# CARROT_PROFILE=dev uses the debug build instead of building the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
all=0
if [[ "${1:-}" == "--all" ]]; then
  all=1
  shift
fi
out="${1:-docs/screenshots}"
mkdir -p "$out"
./setup.sh >/dev/null
profile="${CARROT_PROFILE:-release}"
if [[ "$profile" == "dev" ]]; then
  cargo build --quiet
  bin=target/debug/carrot
else
  cargo build --release --quiet
  bin=target/release/carrot
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

shoot() { # name, size (WxH), then KEY=VALUE settings for the app
  local name="$1" size="$2"; shift 2
  local w="${size%x*}" h="${size#*x}"
  # A screen twice the window's size keeps the parked pointer off the window (no hover marks).
  env "$@" CARROT_SIZE="$size" CARROT_SCREENSHOT="$out/$name.png" \
    timeout 180 xvfb-run -a -s "-screen 0 $((w * 2))x$((h * 2))x24" "$bin" >/dev/null 2>&1
  echo "saved $out/$name.png"
}

if [[ "$all" == 1 ]]; then
  for size in 1280x800 1920x1080; do
    for theme in light dark; do
      shoot "payouts-$size-$theme" "$size" CARROT_THEME="$theme" CARROT_TAB=payouts CARROT_PERSON=001001
      shoot "charts-$size-$theme" "$size" CARROT_THEME="$theme" CARROT_TAB=charts
      shoot "compare-$size-$theme" "$size" CARROT_THEME="$theme" CARROT_TAB=compare
      shoot "behaviour-$size-$theme" "$size" CARROT_THEME="$theme" CARROT_TAB=behaviour
      shoot "meeting-compare-$size-$theme" "$size" CARROT_THEME="$theme" CARROT_TAB=compare CARROT_MEETING=1
      shoot "meeting-behaviour-$size-$theme" "$size" CARROT_THEME="$theme" CARROT_TAB=behaviour CARROT_MEETING=1
    done
  done
else
  shoot payouts 1440x900 CARROT_TAB=payouts CARROT_PERSON=001001
  shoot charts 1440x900 CARROT_TAB=charts
  shoot compare 1440x900 CARROT_TAB=compare
  shoot meeting 1440x900 CARROT_TAB=compare CARROT_MEETING=1
  shoot behaviour 1440x900 CARROT_TAB=behaviour
fi
