# The arguments of the scripts that build and run Mote for the boards (tests/qemu, the arm
# benches, the arm size test): SOURCE_DIR BUILD_DIR MOTE_BIN [BOARD...]. Sourced, then
#   script_args "DEFAULT BOARDS" "$@"   (an empty default: the script takes no boards)
# sets SRC and BUILD (absolute; BUILD created), MOTE (absolute), BOARDS (the ones given, else
# the defaults), JOBS (the CPU count) and PY (Debian's /usr/bin/python3 when it is there), or
# prints the usage line and exits 2.
script_args() {
  local defaults=$1
  shift
  if [ $# -lt 3 ] || { [ -z "$defaults" ] && [ $# -ne 3 ]; }; then
    echo "usage: $0 SOURCE_DIR BUILD_DIR MOTE_BIN${defaults:+ [BOARD...]}" >&2
    exit 2
  fi
  SRC=$(cd "$1" && pwd) || exit 2
  mkdir -p "$2" || exit 2
  BUILD=$(cd "$2" && pwd) || exit 2
  MOTE=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
  shift 3
  BOARDS=("$@")
  [ ${#BOARDS[@]} -eq 0 ] && read -r -a BOARDS <<< "$defaults"
  JOBS=$(nproc 2>/dev/null || echo 2)
  PY=python3
  [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
  return 0
}
