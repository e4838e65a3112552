#!/usr/bin/env bash
# Runs a firmware image on QEMU's mps3-an547 (Cortex-M55) with semihosting.
# Usage: run.sh IMAGE.elf [ARG...]; see ../common/run_qemu_system.sh for the environment.
exec "$(dirname "$0")/../common/run_qemu_system.sh" mps3-an547 cortex-m55 "$@"
