#!/usr/bin/env bash
# Installs what building and testing Mote needs on Debian 12. Idempotent; run as root (or
# with sudo available). Set MOTE_SKIP_NPM=1 to skip the Node packages used by the model tests.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

packages=(
  cmake g++ make pkg-config ccache
  clang libclang-rt-14-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  googletest libgtest-dev libbenchmark-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user libc6-dev-arm64-cross
  emscripten binaryen
  libonnx-testdata
  python3-onnx python3-numpy python3-torch python3-torchvision python3-sklearn python3-dev pybind11-dev
  espeak-ng sox
  wamerican wfrench wngerman
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js (with npm) may come from elsewhere than Debian; only install Debian's when none is found.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then missing+=(nodejs npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi
if [ "${MOTE_SKIP_NPM:-0}" != 1 ] && [ -f "$here/tests/package-lock.json" ]; then
  # --ignore-scripts: the packages' install scripts try to download GPU providers.
  (cd "$here/tests" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
if [ "${MOTE_SKIP_NPM:-0}" != 1 ] && [ -f "$here/tests/text/package-lock.json" ]; then
  # The tokenizer's reference: Hugging Face's tokenizers.js (pure JavaScript, no dependencies).
  (cd "$here/tests/text" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
if [ "${MOTE_SKIP_NPM:-0}" != 1 ] && [ -f "$here/tests/wasm/package-lock.json" ]; then
  # The WebAssembly tests and bench: playwright-core (drives Debian's chromium), onnxruntime-web.
  (cd "$here/tests/wasm" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
