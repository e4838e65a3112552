#!/usr/bin/env bash
# Runs a firmware image on QEMU's mps2-an386 (Cortex-M4F) with semihosting.
# Usage: run.sh IMAGE.elf [ARG...]; see ../common/run_qemu_system.sh for the environment.
exec "$(dirname "$0")/../common/run_qemu_system.sh" mps2-an386 cortex-m4 "$@"
