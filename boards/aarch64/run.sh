#!/usr/bin/env bash
# Runs a static AArch64 Linux program under qemu-aarch64 (user mode, -cpu max: every
# architecture feature QEMU has, Advanced SIMD included). Usage: run.sh PROGRAM [ARG...]
# Environment: MOTE_QEMU_TIMEOUT=S (default 600; the status is then 124).
set -u
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARG...]" >&2; exit 2; }
command -v qemu-aarch64 >/dev/null || { echo "qemu-aarch64 not found" >&2; exit 127; }
exec timeout -k 5 "${MOTE_QEMU_TIMEOUT:-600}" qemu-aarch64 -cpu max "$@"
