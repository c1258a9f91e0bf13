#!/usr/bin/env bash
# Builds the Debian package: target/debian/carrot_VERSION-1_ARCH.deb, with the binary, the
# desktop entry, the icons, the man page, shell completions for bash, zsh and fish, the sample
# plans and rosters. Install it with `sudo apt install ./target/debian/carrot_*.deb`.
#
# cargo-deb is installed into target/tools (not globally) the first time, from crates.io.
# The release build takes several minutes (docs/packaging.md has the figures); CI does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

tools=target/tools
cargo_deb_version=3.6.2
if ! [ -x "$tools/bin/cargo-deb" ]; then
  echo "==> installing cargo-deb $cargo_deb_version into $tools (once)"
  cargo install --locked --root "$tools" --version "$cargo_deb_version" cargo-deb
fi
export PATH="$PWD/$tools/bin:$PATH"

echo "==> release build"
cargo build --release --locked
bin=target/release/carrot

echo "==> man page and completions, from the binary itself"
gen=target/package
rm -rf "$gen"
mkdir -p "$gen/completions"
"$bin" man | gzip -9n >"$gen/carrot.1.gz"
"$bin" completions bash >"$gen/completions/carrot.bash"
"$bin" completions zsh >"$gen/completions/_carrot"
"$bin" completions fish >"$gen/completions/carrot.fish"

echo "==> cargo deb"
cargo deb --no-build --locked
ls -l target/debian/*.deb
