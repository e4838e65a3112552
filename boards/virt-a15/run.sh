#!/usr/bin/env bash
# Runs a bare-metal image on QEMU's virt machine with a Cortex-A15 (128 MB of RAM at
# 0x40000000) with semihosting. Usage: run.sh IMAGE.elf [ARG...]; see
# ../common/run_qemu_system.sh for the environment.
MOTE_QEMU_ARGS="-m 128M ${MOTE_QEMU_ARGS:-}" exec "$(dirname "$0")/../common/run_qemu_system.sh" virt cortex-a15 "$@"
