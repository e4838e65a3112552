#!/usr/bin/env bash
# The include walls, checked on the source tree:
#   1. kernels (runtime/kernels/) include the kernel interface (runtime/internal/) and each
#      other, never the engine (runtime/src/);
#   2. the public headers (runtime/include/mote/) include only each other and system headers,
#      and are exactly the API: mote.h, mote.hpp, status.h, status.hpp, ops.h, text.h, text.hpp.
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
    for base in "$dir" "$SRC/runtime/include" "$SRC/runtime/internal"; do
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

public="mote.h mote.hpp ops.h status.h status.hpp text.h text.hpp"
for f in "$SRC"/runtime/include/mote/*; do
  name=$(basename "$f")
  case " $public " in
    *" $name "*) ;;
    *) echo "FAIL runtime/include/mote/$name is not part of the public API (internal headers: runtime/internal/mote/)"
       failed=$((failed + 1)) ;;
  esac
  while IFS= read -r line; do
    case "$line" in
      *" -> $SRC/runtime/include/"*) ;;
      *) echo "FAIL public header includes a non-public header: ${line#"$SRC"/}"
         failed=$((failed + 1)) ;;
    esac
  done < <(resolve "$f")
done

if [ "$failed" -eq 0 ]; then
  echo "walls: kernels include no runtime/src header; runtime/include/mote holds only $public"
fi
[ "$failed" -eq 0 ]
