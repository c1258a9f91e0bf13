#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting, lints with warnings as errors, and
# every test, with the desktop app (default features), then the pure core's alone (without
# default features) optimised as the release build is.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads standard input: cargo's rustc probes inherit it, and a CI runner whose
# stdin carries other output made one of them fail. Read nothing, always.
exec </dev/null
# Mesa's software Vulkan (used by the UI tests that render) wants a runtime folder.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/carrot-runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# Each step says how long the one before it took, so a slow CI run shows where its time went.
started=$SECONDS
step_name=
step_started=$SECONDS
took() { [ -z "$step_name" ] || printf '    (%s: %d s)\n' "$step_name" $((SECONDS - step_started)); }
step() {
  took
  step_name=$*
  step_started=$SECONDS
  printf '\n==> %s\n' "$*"
}

step "cargo fmt --check"
cargo fmt --check
step "clippy (app and core), warnings are errors"
cargo clippy --all-targets -- -D warnings
step "tests (app and core)"
cargo test
step "clippy (core only: --no-default-features)"
cargo clippy --no-default-features --all-targets -- -D warnings
step "tests (core only: --no-default-features), optimised as the release build is"
# Some faults show only with release optimisations: a 5,000-term sum once overflowed a worker
# thread's stack in the release build and passed in the dev profile. The dev profile at the
# release build's opt-level 3 shows them too, and rebuilds only this crate (its dependencies
# keep their own settings), where a release profile would build the app's dependencies again
# for the tests' dev-dependencies: minutes on two cores. The core's tests already ran in the
# dev profile above, with the app's; a third build of this crate for them would add four
# minutes to a clean run and test nothing more.
CARGO_PROFILE_DEV_OPT_LEVEL=3 cargo test --no-default-features
step "the core build pulls in no GUI crate"
if cargo tree --no-default-features -e normal --prefix none | grep -E '^(egui|eframe|egui_plot|winit|rfd) '; then
  echo "error: the core depends on a GUI crate" >&2
  exit 1
fi
took
echo "all checks passed in $((SECONDS - started)) s"
