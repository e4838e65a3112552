#!/usr/bin/env bash
# Runs a bare-metal image under qemu-system-arm with semihosting: the image's console output
# arrives on stdout and its exit status becomes this script's. boards/<board>/run.sh call it.
#
# Usage: run_qemu_system.sh MACHINE CPU IMAGE.elf [ARG...]
#   ARGs reach the image's main() as argv[1..] (semihosting SYS_GET_CMDLINE).
# Environment:
#   MOTE_QEMU_ICOUNT=1    -icount shift=0: one instruction per ns of virtual time, so the
#                         board's tick counter counts instructions (deterministic runs)
#   MOTE_QEMU_TIMEOUT=S   stop QEMU after S seconds (default 600); the status is then 124
#   MOTE_QEMU_ARGS        extra QEMU arguments
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 MACHINE CPU IMAGE.elf [ARG...]" >&2
  exit 2
fi
machine=$1 cpu=$2 image=$3
shift 3
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found" >&2; exit 127; }
[ -f "$image" ] || { echo "no such image: $image" >&2; exit 2; }

# Semihosting's argument list: commas inside an argument are doubled.
semi="enable=on,target=native,arg=$(basename "$image" | sed 's/,/,,/g')"
for a in "$@"; do semi="$semi,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"; done

extra=()
[ "${MOTE_QEMU_ICOUNT:-0}" = 1 ] && extra+=(-icount shift=0)
# shellcheck disable=SC2206  # word splitting of the extra arguments is intended
[ -n "${MOTE_QEMU_ARGS:-}" ] && extra+=(${MOTE_QEMU_ARGS})

exec timeout -k 5 "${MOTE_QEMU_TIMEOUT:-600}" qemu-system-arm -M "$machine" -cpu "$cpu" \
  -display none -monitor none -serial null -semihosting-config "$semi" "${extra[@]}" -kernel "$image"
