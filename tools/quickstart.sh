#!/usr/bin/env bash
# The main job on the built-in example: install, build, convert the digits model, run a
# held-out digit through it on the host and print the class, the probabilities and the arena;
# then the same for the int8 version of the model, and both again as Cortex-M4 firmware under
# QEMU; then the keyword-spotting example (models/speech.onnx) on a spoken .wav on the host and
# as Cortex-M4 firmware under QEMU; then the text example (models/intent.onnx, with its WordPiece
# vocabulary in the blob) on typed commands on the host and as Cortex-M55 firmware under QEMU.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
MOTE_SKIP_NPM=1 tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j"$(nproc)" --target mote
cmake --build build -j"$(nproc)" --target mote_python > /dev/null 2>&1 || echo "note: the Python module was not built (pybind11-dev, python3-dev)"
# `import mote` for this user's /usr/bin/python3: a .pth file in the user's site-packages naming
# build/python (remove it to undo).
if [ -d build/python ]; then
  site=$(/usr/bin/python3 -m site --user-site)
  mkdir -p "$site" && echo "$here/build/python" > "$site/mote.pth"
fi
out=build/quickstart
mkdir -p "$out"
echo
echo "== convert models/digits.onnx"
build/bin/mote convert models/digits.onnx -o "$out/digits.mote" --c-array "$out/digits.h"
echo
echo "== run a held-out digit (true label: $(cat models/digits_sample_label.txt)) on the host"
build/bin/mote run "$out/digits.mote" --input input=models/digits_sample.npy --output-dir "$out"
echo
echo "== the same model quantized to int8 (calibrated on 128 training digits)"
build/bin/mote convert models/digits.onnx -o "$out/digits_int8.mote" --quantize int8 --calib models/digits_calib.npy \
  --c-array "$out/digits_int8.h"
build/bin/mote run "$out/digits_int8.mote" --input input=models/digits_sample.npy --output-dir "$out/int8"

# The same blobs compiled into Cortex-M4 firmware (boards/firmware) and run under QEMU
# (mps2-an386): blob in flash, a static arena sized by the generated #define, only the
# model's kernels linked.
/usr/bin/python3 boards/firmware/npy_to_c.py "$out/digits_input.h" models/digits_sample.npy
for variant in digits digits_int8; do
  echo
  echo "== $variant on a Cortex-M4 under QEMU (mps2-an386)"
  cmake -S boards/firmware -B "$out/fw-$variant" -DCMAKE_TOOLCHAIN_FILE="$here/boards/mps2-an386/toolchain.cmake" \
    -DMOTE_MODEL_HEADER="$here/$out/$variant.h" -DMOTE_INPUT_HEADER="$here/$out/digits_input.h" > /dev/null
  cmake --build "$out/fw-$variant" -j"$(nproc)" > /dev/null
  boards/mps2-an386/run.sh "$out/fw-$variant/firmware.elf" | grep -v '^v '
done

# The keyword-spotting example: raw 16 kHz audio in, 20 ms per run, the front-end, the GRU state
# and the decision carried from run to run (--carry); prints each keyword heard and when.
echo
echo "== convert models/speech.onnx (keyword spotting, streaming)"
mapfile -t carry < <(sed 's/^/--carry=/' models/speech_carry.txt)
build/bin/mote convert models/speech.onnx -o "$out/speech.mote" "${carry[@]}"
echo
echo "== the same model in int8 (front-end and decision head kept float)"
build/bin/mote convert models/speech.onnx -o "$out/speech_int8.mote" "${carry[@]}" --quantize int8 \
  --calib models/speech_calib.npy --keep-float '/frontend/*' --keep-float '/decision/*'
for variant in speech speech_int8; do
  echo
  echo "== $variant: models/speech_sample.wav on the host (spoken: $(tr '\n' ' ' < models/speech_sample_words.txt))"
  build/bin/mote run "$out/$variant.mote" --input audio=models/speech_sample.wav --chunk 1 \
    --labels models/speech_labels.txt --quiet --output-dir "$out/$variant"
done

# The int8 keyword model as Cortex-M4 firmware under QEMU (boards/speech): the clip compiled in,
# fed 20 ms at a time through one session with the state in the arena; the same words, the
# instructions per chunk and the real-time factor at the board's 25 MHz.
echo
echo "== speech_int8 on a Cortex-M4 under QEMU (mps2-an386, arm_dsp kernels)"
build/bin/mote convert models/speech.onnx -o "$out/speech_m4.mote" "${carry[@]}" --quantize int8 \
  --calib models/speech_calib.npy --keep-float '/frontend/*' --keep-float '/decision/*' --target cortex-m4 \
  --c-array "$out/speech_m4.h" > /dev/null
/usr/bin/python3 boards/firmware/npy_to_c.py --wav "$out/speech_audio.h" models/speech_sample.wav models/speech_labels.txt
cmake -S boards/speech -B "$out/fw-speech" -DCMAKE_TOOLCHAIN_FILE="$here/boards/mps2-an386/toolchain.cmake" \
  -DMOTE_MODEL_HEADER="$here/$out/speech_m4.h" -DMOTE_AUDIO_HEADER="$here/$out/speech_audio.h" > /dev/null
cmake --build "$out/fw-speech" -j"$(nproc)" > /dev/null
MOTE_QEMU_ICOUNT=1 boards/mps2-an386/run.sh "$out/fw-speech/speech.elf"

# The text example: a 2-layer transformer classifying short commands into 14 intents, the
# WordPiece vocabulary inside the blob (--vocab); `mote run --text` tokenizes and runs.
echo
echo "== convert models/intent.onnx (intent classification) with its vocabulary, float and int8"
build/bin/mote convert models/intent.onnx -o "$out/intent.mote" --vocab models/intent_vocab.txt > /dev/null
build/bin/mote convert models/intent.onnx -o "$out/intent_int8.mote" --vocab models/intent_vocab.txt --quantize int8 \
  --calib models/intent_calib.npy --strict
for variant in intent intent_int8; do
  echo
  echo "== $variant: typed commands on the host"
  build/bin/mote run "$out/$variant.mote" --text "set a timer for 5 minutes" --text "could you dim the bedroom lights" \
    --text "will it rain in paris tomorrow" --labels models/intent_labels.txt --quiet --output-dir "$out/$variant"
done

# The int8 intent model as Cortex-M55 firmware under QEMU (boards/text, Helium kernels): held-out
# commands tokenized on the device with the vocabulary in the blob, the intent of each and the
# instructions per tokenization and per inference.
echo
echo "== intent_int8 on a Cortex-M55 under QEMU (mps3-an547, mve kernels)"
build/bin/mote convert models/intent.onnx -o "$out/intent_m55.mote" --vocab models/intent_vocab.txt --quantize int8 \
  --calib models/intent_calib.npy --strict --target cortex-m55 --c-array "$out/intent_m55.h" > /dev/null 2>&1
/usr/bin/python3 boards/firmware/npy_to_c.py --text "$out/intent_texts.h" models/intent_commands.txt models/intent_labels.txt
cmake -S boards/text -B "$out/fw-text" -DCMAKE_TOOLCHAIN_FILE="$here/boards/mps3-an547/toolchain.cmake" \
  -DMOTE_MODEL_HEADER="$here/$out/intent_m55.h" -DMOTE_TEXTS_HEADER="$here/$out/intent_texts.h" > /dev/null
cmake --build "$out/fw-text" -j"$(nproc)" > /dev/null
MOTE_QEMU_ICOUNT=1 boards/mps3-an547/run.sh "$out/fw-text/text.elf" | sed 's/ ids 0x[0-9a-f]* logits [0-9a-f,]*//'
