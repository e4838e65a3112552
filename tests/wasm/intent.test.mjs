// The intent model (models/intent.onnx converted with --vocab) through mote.js in Node, both
// WebAssembly builds, against the host CLI (`mote run --text-file`) on the same blobs and the
// held-out commands: each command tokenized by model.tokenize() with the blob's vocabulary must
// give the host's token ids, and the run the host's class; int8 blobs give every logit bit for
// bit, float32 blobs the logits within 1e-4 of the largest.
//
// Environment (set by run_wasm_tests.sh): MOTE_WASM_DIR, and MOTE_TEXT_DIR holding texts.txt
// (one command a line), intent_float.mote and intent_int8.mote with the host's runs in float/
// and int8/ (input_ids.npy, logits.runs.npy, printed.txt). Skipped when models/intent.onnx was
// not there to convert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Mote } from '../../wasm/mote.js';
import { readNpy } from './npy.mjs';

const wasmDir = process.env.MOTE_WASM_DIR;
const textDir = process.env.MOTE_TEXT_DIR;

for (const variant of ['int8', 'float']) {
  for (const build of ['mote-simd.wasm', 'mote.wasm']) {
    const blob = textDir && join(textDir, `intent_${variant}.mote`);
    const skip = !wasmDir || !textDir
      ? 'MOTE_WASM_DIR, MOTE_TEXT_DIR: run tests/wasm/run_wasm_tests.sh'
      : !existsSync(blob) ? `no ${blob} (models/intent.onnx missing)` : false;
    test(`intent_${variant} through mote.js (${build}): tokenize() gives the host's ids and the run its classes` +
      `${variant === 'int8' ? ' and logits bit for bit' : ''}`, { skip }, async () => {
      const rt = await Mote.load(join(wasmDir, build));
      const model = rt.loadModel(readFileSync(blob));
      const texts = readFileSync(join(textDir, 'texts.txt'), 'utf8').split('\n').filter((l) => l !== '');
      const hostIds = readNpy(join(textDir, variant, 'input_ids.npy')).data;
      const hostLogits = readNpy(join(textDir, variant, 'logits.runs.npy')).data;
      const hostClasses = readFileSync(join(textDir, variant, 'printed.txt'), 'utf8').split('\n')
        .filter((l) => l.trim() && !/^(runs|arena|note):/.test(l)).map((l) => l.split(/\s+/)[0]);
      const labels = readFileSync(join(textDir, 'labels.txt'), 'utf8').split('\n').filter(Boolean);
      const input = model.inputs[0];
      assert.equal(input.dtype, 'int64');
      const n = input.shape[input.shape.length - 1];
      const classes = labels.length;
      assert.equal(hostIds.length, texts.length * n);
      let worst = 0;
      const scale = Math.max(...hostLogits.map(Math.abs));
      texts.forEach((text, k) => {
        const { ids } = model.tokenize(text, { maxLength: n });
        const want = hostIds.subarray(k * n, (k + 1) * n);
        assert.deepEqual(Array.from(ids, BigInt), Array.from(want), `ids of "${text}"`);
        const { logits } = model.run({ [input.name]: BigInt64Array.from(ids, BigInt) });
        let best = 0;
        for (let c = 1; c < classes; ++c) if (logits[c] > logits[best]) best = c;
        assert.equal(labels[best], hostClasses[k], `class of "${text}"`);
        const host = hostLogits.subarray(k * classes, (k + 1) * classes);
        if (variant === 'int8') {
          assert.deepEqual(Array.from(new Uint32Array(logits.buffer, logits.byteOffset, classes)),
            Array.from(new Uint32Array(host.buffer, host.byteOffset, classes)), `logits of "${text}"`);
        } else {
          logits.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - host[c]))));
        }
      });
      assert.ok(worst <= 1e-4 * scale, `max |wasm - host| = ${worst}`);
      console.log(`intent_${variant} (${build}): ${texts.length} commands equal the host's` +
        (variant === 'int8' ? ' bit for bit' : `, max |diff| ${worst.toExponential(2)}`));
      model.dispose();
    });
  }
}
