#!/usr/bin/env bash
# Runs a firmware image on QEMU's mps2-an500 (Cortex-M7) with semihosting.
# Usage: run.sh IMAGE.elf [ARG...]; see ../common/run_qemu_system.sh for the environment.
exec "$(dirname "$0")/../common/run_qemu_system.sh" mps2-an500 cortex-m7 "$@"
