#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine needs to build, test and run Carrot.
# Safe to run again: it only installs packages that are missing.
set -euo pipefail

packages=(
  # build: TLS for crates.io, a C compiler and linker
  ca-certificates gcc libc6-dev pkg-config
  # run the window: X11 client libraries winit loads at run time, Vulkan with Mesa's software
  # driver (lavapipe), and OpenGL with Mesa's (llvmpipe), which draws the window where no GPU is
  libx11-6 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 libvulkan1 mesa-vulkan-drivers
  libgl1 libegl1 libgl1-mesa-dri
  # file dialogs when no desktop portal runs
  zenity
  # screenshots and headless runs: a virtual X server, ImageMagick, xdotool
  xvfb xauth imagemagick xdotool
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: system packages already installed"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust from https://rustup.rs and run this again" >&2
  exit 1
fi
