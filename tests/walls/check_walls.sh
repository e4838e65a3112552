#!/usr/bin/env bash
# The include walls, checked on the source tree: kernels (runtime/kernels/) include the kernel
# interface (mote/kernel.h) and each other, never the engine (runtime/src/).
#   check_walls.sh SRC_DIR
set -u
SRC=$(cd "$1" && pwd)
failed=0

# Prints FILE: INCLUDE -> RESOLVED for every quoted include of FILE, resolved against the
# file's directory and then the include directories of the runtime.
resolve() {
  local file=$1 dir inc path
  dir=$(dirname "$file")
  sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file" | while read -r inc; do
    path=
    for base in "$dir" "$SRC/runtime/include"; do
      if [ -f "$base/$inc" ]; then path=$(realpath "$base/$inc"); break; fi
    done
    echo "$file: $inc -> ${path:-?}"
  done
}

while IFS= read -r f; do
  while IFS= read -r line; do
    case "$line" in
      *" -> $SRC/runtime/src/"*|*'src/'*' -> ?')
        echo "FAIL kernel includes the engine: ${line#"$SRC"/}"
        failed=$((failed + 1)) ;;
    esac
  done < <(resolve "$f")
done < <(find "$SRC/runtime/kernels" -type f \( -name '*.h' -o -name '*.cc' -o -name '*.inc' \))

if [ "$failed" -eq 0 ]; then
  echo "walls: kernels include no runtime/src header"
fi
[ "$failed" -eq 0 ]
