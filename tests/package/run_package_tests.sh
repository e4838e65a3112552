#!/usr/bin/env bash
# Mote as a dependency of another project, three ways, each building tests/package/consumer.c
# (the public C API only) and running the digits model to the host CLI's class:
#   1. find_package(Mote CONFIG) against `cmake --install BUILD --prefix WORK/prefix`
#      (and Mote::converter: converter_consumer.cc converts the model in memory);
#   2. add_subdirectory of the source tree (the parent's build type kept, no host targets);
#   3. pkg-config --cflags --libs mote against the same install.
#   run_package_tests.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -u
src=$(cd "${1:?}" && pwd) || exit 2
build=$(cd "${2:?}" && pwd) || exit 2
work=${3:?}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
mote="$build/bin/mote"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  PASS  $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1"; [ -n "${2:-}" ] && tail -15 "$2" | sed 's/^/        /'; }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

"$mote" convert "$src/models/digits.onnx" -o "$work/digits.mote" > "$work/convert.log" 2>&1 || { cat "$work/convert.log"; exit 1; }
"$py" -c "import numpy as np, sys; np.load(sys.argv[1]).astype('<f4').tofile(sys.argv[2])" \
  "$src/models/digits_sample.npy" "$work/input.f32" || exit 1
want=$("$mote" run "$work/digits.mote" --input "input=$src/models/digits_sample.npy" --output-dir "$work/host" |
       sed -n 's/.*argmax \([0-9]*\).*/\1/p' | head -1)

check_run() {  # NAME BINARY
  local out
  if out=$("$2" "$work/digits.mote" "$work/input.f32" 2>&1) && echo "$out" | grep -qx "argmax $want"; then
    pass "$1: digits class $want, as the CLI ($(echo "$out" | head -1))"
  else
    fail "$1: expected argmax $want, got: $(echo "$out" | tr '\n' ' ')"
  fi
}

echo "== install"
if cmake --install "$build" --prefix "$work/prefix" > "$work/install.log" 2>&1; then
  pass "cmake --install: $(find "$work/prefix" -type f | wc -l) files"
else
  fail "cmake --install" "$work/install.log"
fi

echo "== find_package(Mote)"
if cmake -S "$src/tests/package/find_package" -B "$work/fp" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/fp.log" 2>&1 &&
   cmake --build "$work/fp" -j2 >> "$work/fp.log" 2>&1; then
  check_run "find_package" "$work/fp/consumer"
  if [ -x "$work/fp/converter_consumer" ] && out=$("$work/fp/converter_consumer" "$src/models/digits.onnx" 2>&1); then
    pass "find_package: Mote::converter converts in memory ($out)"
  else
    fail "find_package: Mote::converter: ${out:-not built}"
  fi
else
  fail "find_package: configure and build" "$work/fp.log"
fi

echo "== add_subdirectory"
if cmake -S "$src/tests/package/subdirectory" -B "$work/sub" -DMOTE_SOURCE_DIR="$src" > "$work/sub.log" 2>&1 &&
   cmake --build "$work/sub" -j2 >> "$work/sub.log" 2>&1; then
  check_run "add_subdirectory" "$work/sub/consumer"
else
  fail "add_subdirectory: configure and build" "$work/sub.log"
fi

echo "== pkg-config"
if command -v pkg-config > /dev/null; then
  flags=$(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs mote)
  # shellcheck disable=SC2086
  if cc -std=c11 "$src/tests/package/consumer.c" -o "$work/pc-consumer" $flags > "$work/pc.log" 2>&1; then
    check_run "pkg-config ($flags)" "$work/pc-consumer"
  else
    fail "pkg-config: cc consumer.c \$(pkg-config --cflags --libs mote)" "$work/pc.log"
  fi
else
  fail "pkg-config not found (tools/install_deps.sh installs it)"
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
