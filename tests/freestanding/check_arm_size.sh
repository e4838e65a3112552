#!/usr/bin/env bash
# Size budgets of the Mote runtime on the Cortex-M4 (mps2-an386, arm-none-eabi-gcc at -Os, one
# section per function, --gc-sections), from the firmware example's link maps
# (bench/arm_map_sizes.py splits them; bench/arm_size_report.sh prints the full tables):
#
#   core     the runtime core linked alone (runtime/src: loader, blob and plan verifiers,
#            session, C API, op table; every op family off through MOTE_OP_CONFIG), with its
#            error detail text: its .text must stay within MOTE_ARM_CORE_TEXT_BUDGET bytes;
#   digits   the runtime as linked for models/digits.onnx (core + only its op families, the
#            board's default kernel set): .text + .rodata + .data within
#            MOTE_ARM_DIGITS_BUDGET bytes.
#
# Counted are libmote_runtime.a's own input sections. The toolchain library members its objects
# pull in are printed beside the figure, not counted in it (bench/arm_map_sizes.py's "libs"):
# on the Cortex-M the runtime calls no libm function for digits (Softmax's e^x is small_exp.h's,
# so the C library's exp, its wrapper and finite, 1,152 bytes, are not linked), and since
# Softmax sums in float there (small_expf) no libgcc double routine either: the about 2.6 KB
# of soft-float double arithmetic the map still credits to its objects (the members they named
# first, before --gc-sections) is called in the image by the C library's number formatting of
# the firmware's printf.
#
# The budgets sit a little above what the runtime measures (see the history beside them); the
# environment variables of the same name override them. About a minute on two cores.
#
# Usage: check_arm_size.sh SOURCE_DIR BUILD_DIR MOTE_BIN
# Exit status: 0 within budget, 1 above (or a build failure), 77 without arm-none-eabi-gcc.
set -u
# shellcheck source=tools/script_args.sh
source "$(dirname "$0")/../../tools/script_args.sh"
script_args "" "$@"
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS CC CXX

# History (bytes, mps2-an386): core .text 10,212 counted whole (bench/arm_map_sizes.py once
# left the plan verifier, the envelope check and the vocabulary out of the core: 6,800), 9,176
# once a build for models without a vocabulary left the vocabulary verifier out, 8,432 once an
# error's text pieces were calls and the verifier's errors shared their context; digits 28,169
# -> 25,524. Then (core, digits): the op table a switch over the model's families and the op
# names one string, 8,360 and 24,093; the loader's and verifier's errors one formatted call per
# site (a format), 7,452 and 23,640; and one call returning the status (fail, tensor_error,
# op_error), 6,828 and 23,052. Then the CRC32 nibble table at -Os, 6,840 and 22,104; the
# verifier's range and size checks in 32 bits, its op pass checking the operands' lifetimes,
# views written in place, 6,320; the alias walk only with a family that aliases (Concat's only
# with Concat), tensor and op errors naming their tensor or op, 5,520 (5,972 with the Reshape
# family linked); the reference pools' int8 forms only for models with int8 pools
# (MOTE_USE_KERNEL_pool_int8) and the reference argument and shape checks as one formatted call
# each: digits 18,716 (core 10,774, kernels 7,942). The session's choice of a lean plan's
# kernels (mote convert --arena min) then made them 5,568 (6,020) and 18,764. A build for known
# models then kept only its own ops' names (the others refused by op code: 1.1 KB of .rodata),
# 17,784; a float 2-D MaxPool alone when the models' pools are all that
# (MOTE_USE_KERNEL_pool_general), 16,830; a Clip's bounds text only with a Clip
# (MOTE_USE_KERNEL_act_clip), 16,538; Gemm's C broadcast checked in place, 16,200; and the ops
# of a family the models do not use left out too (MOTE_USE_OPS: Softmax without LogSoftmax
# and Hardmax), core 5,556 (6,032), digits 15,769; that MaxPool checked once, 15,525. Then the
# error messages in their compact form (mote/text_codes.h: common phrases one byte each, written
# whole into the error text), core about 5,640 with 2,293 of .rodata (3,091 before), digits 13,950;
# the reference loops of Softmax, Conv, Gemm and that MaxPool counting in the pointer's width,
# Conv's output range and the window checks in 32 bits, 13,797; and a build for known models
# leaving out the int8 ops' constant check and the float16 exemption of ops it does not link,
# core 5,564 (6,044), digits 13,711. Then the float 2-D MaxPool's window and the Conv and pool
# output sizes in 32-bit arithmetic (no 64-bit division), a fused Clip folded away where Clip is
# left out, the dtype names and status texts one string list each, and the verifier's tensor size
# in 32-bit steps: core 5,564 (6,044; .rodata 2,231), digits 13,249 (core 8,427, kernels 4,822).
# Then each kernel set stating its scratch ops at compile time (<set>::scratch_op), so that a
# build linking none of them folds the verifier's and the session's kernel-scratch checks away,
# and the reference Conv's images and output channels one loop: core 5,468 (5,948; .rodata
# 2,197), digits 13,065 (core 8,297, kernels 4,768). (Diag::i no longer divides in 64 bits, so
# with the bare-metal clock's bit-by-bit division the firmware links no __udivmoddi4: 712 bytes
# of flash outside these figures.) Then small_exp.h's e^x on the Cortex-M (the C library's exp
# no longer linked: 1,152 bytes that were outside the figure; the small exp is 340 bytes in it),
# the reference Gemm one strided dot-product loop, Conv's rows one loop for every stride, the
# Conv and pool output sizes one function (window_out) and the reference Conv without its depth
# loop when no Conv is 3-D (MOTE_USE_KERNEL_conv_3d): digits 13,078 (kernels 4,781); with the
# library members its objects pull in (libs), 16,990 -> 15,850. Beside that, the formats'
# numbers (%d, %u, %z, a shape's dimensions) in 32-bit divisions, 64-bit ones (Diag::i) only for
# Fail::i and Diag::f; the section names one string list and the record sizes bytes
# (kernel_set_bit a const call); the phrase table chosen from the messages the digits firmware
# links (tools/text_phrases.py --image): core 5,406 (5,886; .rodata 2,056), digits 12,885 (core
# 8,094, kernels 4,791). Both together: digits 12,899 (core 8,094, kernels 4,805). Then the
# kernels: Softmax on the Cortex-M summing in float with a float e^x (small_expf; the host keeps
# its double sum), 12,711 (libs 2,772 -> 2,612); the reference Conv and the float 2-D MaxPool
# one 32-bit tap range (tap_range), Reshape's counts and Conv's checks in 32 bits, 12,439; one
# call for an op's arity and params checks (check_op) and for its inputs' dtypes and ranks
# (check_inputs), 12,400; the reference Conv a plane and a row of taps at a time out of line
# (conv_plane, add_taps), Softmax's lines and Gemm's outputs one loop each: digits 12,266
# (core 8,094, kernels 4,172).
# Then the
# messages that firmware links named by their index in one list (mote/text_codes.h kMessages:
# an error site moves a small number instead of loading a 4-byte literal; the list, the
# kernels' messages included, is the core's .rodata): core 5,144 (.rodata 2,356), digits
# 12,512 (core 8,132, kernels 4,380). Both together: digits 11,888 (core 8,132, kernels 3,756);
# then the reference Conv's nested loops back in run_conv (the plane and tap-row functions cost
# DS-CNN's float reference on the M4 5% more instructions at -O2: 28,308,360 against 26,980,120),
# 11,958 (kernels 3,826). The digits budget is the target itself, 12,000.
CORE_TEXT_BUDGET=${MOTE_ARM_CORE_TEXT_BUDGET:-5170}
DIGITS_BUDGET=${MOTE_ARM_DIGITS_BUDGET:-12000}

if ! command -v arm-none-eabi-gcc > /dev/null; then
  echo "arm_size: SKIPPED (arm-none-eabi-gcc not found; tools/install_deps.sh installs it)"
  exit 77
fi

fail() { echo "arm_size: FAILED: $*"; exit 1; }
"$MOTE" convert "$SRC/models/digits.onnx" -o "$BUILD/digits.mote" --c-array "$BUILD/digits.h" > "$BUILD/convert.log" 2>&1 ||
  { cat "$BUILD/convert.log"; fail "mote convert"; }
"$PY" "$SRC/boards/firmware/npy_to_c.py" "$BUILD/digits_input.h" "$SRC/models/digits_sample.npy" || fail "npy_to_c.py"
# Every family off: the core on its own.
sed 's/^#define \(MOTE_USE_FAMILY_[A-Za-z0-9_]*\) 1$/#define \1 0/' "$BUILD/digits.h" > "$BUILD/no_ops.h"

fw=(-S "$SRC/boards/firmware" -DCMAKE_TOOLCHAIN_FILE="$SRC/boards/mps2-an386/toolchain.cmake"
    -DMOTE_MODEL_HEADER="$BUILD/digits.h" -DMOTE_INPUT_HEADER="$BUILD/digits_input.h" -DMOTE_FIRMWARE_CORRUPT_TEST=OFF)
build() {  # DIR CMAKE_ARGS...
  local dir=$1
  shift
  { cmake "$@" -B "$dir" && cmake --build "$dir" -j 2; } > "$dir.log" 2>&1 || { tail -30 "$dir.log"; fail "build of $dir (log: $dir.log)"; }
}
build "$BUILD/core" "${fw[@]}" -DMOTE_FIRMWARE_OP_CONFIG="$BUILD/no_ops.h"
build "$BUILD/digits" "${fw[@]}"

sizes() {  # MAP -> "text rodata data" of core, then of kernels, then the libs' total
  "$PY" "$SRC/bench/arm_map_sizes.py" "$1" --json |
    "$PY" -c "import json,sys; d=json.load(sys.stdin)['sizes']; print(*(d[p][k] for p in ('core','kernels') for k in ('text','rodata','data')), sum(d['libs'][k] for k in ('text','rodata','data')))"
}
read -r core_text core_ro core_data _ < <(sizes "$BUILD/core/firmware.elf.map") || fail "arm_map_sizes.py"
read -r dc_text dc_ro dc_data dk_text dk_ro dk_data d_libs < <(sizes "$BUILD/digits/firmware.elf.map") || fail "arm_map_sizes.py"
digits=$((dc_text + dc_ro + dc_data + dk_text + dk_ro + dk_data))
echo "core, linked alone: .text $core_text bytes (.rodata $core_ro, .data $core_data); budget $CORE_TEXT_BUDGET"
echo "digits runtime: $digits bytes (core $((dc_text + dc_ro + dc_data)), kernels $((dk_text + dk_ro + dk_data))); budget $DIGITS_BUDGET"
echo "  library members its objects pull in (not counted above): $d_libs bytes"
status=0
[ "$core_text" -le "$CORE_TEXT_BUDGET" ] || { echo "arm_size: the core's .text is $core_text bytes, above its budget of $CORE_TEXT_BUDGET"; status=1; }
[ "$digits" -le "$DIGITS_BUDGET" ] || { echo "arm_size: the digits runtime is $digits bytes, above its budget of $DIGITS_BUDGET"; status=1; }
# A runtime that linked nothing would pass any budget: the core must hold its verifier.
[ "$core_text" -gt 2000 ] && [ "$dk_text" -gt 1000 ] || { echo "arm_size: implausibly small (core $core_text, kernels $dk_text): the map was not read"; status=1; }
[ $status -eq 0 ] && echo "arm_size: within budget" || echo "arm_size: FAILED"
exit $status
