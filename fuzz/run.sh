#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 600) on one core, starting from the committed seed
# corpus. New inputs go to fuzz/work/<target> (not committed); crashes to fuzz/artifacts/<target>.
# The fuzzer's log ends up in fuzz/<target>.log.
#   fuzz/run.sh roster_import 600
set -euo pipefail
cd "$(dirname "$0")"
target="$1"
seconds="${2:-600}"
case "$target" in
  roster_import) dict=dict/roster.dict ;;
  plan_parse) dict=dict/plan.dict ;;
  expr) dict=dict/expr.dict ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
mkdir -p "work/$target"
# cargo-fuzz needs nightly flags (-Zsanitizer); RUSTC_BOOTSTRAP lets the stable toolchain accept them.
# -a: debug assertions and overflow checks, so integer overflow is a finding too.
RUSTC_BOOTSTRAP=1 cargo fuzz run -a "$target" "work/$target" "corpus/$target" -- \
  -max_total_time="$seconds" -jobs=1 -dict="$dict" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1
mv -f fuzz-0.log "$target.log" 2>/dev/null || true
