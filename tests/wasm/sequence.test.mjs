// The sequence models (recurrent layers, If, Loop, Clip with run-time bounds, a stateful LSTM
// fed one sequence, the same LSTM streamed over 50 chunks with its state carried) through
// mote.js, both WebAssembly builds, against onnxruntime's outputs: each output within
// max|wasm - want| <= tolerance * max|want| (1e-4, as on the host).
//
// Run by tests/models/run_sequence_targets.sh, which runs the models on the host and passes:
//   MOTE_WASM_DIR        the directory holding mote.wasm and mote-simd.wasm (wasm/build.sh OUT_DIR)
//   MOTE_SEQUENCE_CASES  the cases.json written by tests/models/gen_sequence_cases.py
// Skipped without them (as under tests/wasm/run_wasm_tests.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Mote } from '../../wasm/mote.js';
import { readNpy } from './npy.mjs';

const wasmDir = process.env.MOTE_WASM_DIR;
const casesPath = process.env.MOTE_SEQUENCE_CASES;
const missing = !wasmDir || !casesPath ? 'MOTE_WASM_DIR, MOTE_SEQUENCE_CASES: run tests/models/run_sequence_targets.sh' : false;
const cases = missing ? [] : JSON.parse(readFileSync(casesPath, 'utf8'));

for (const build of ['mote-simd.wasm', 'mote.wasm']) {
  test(`the sequence models through mote.js (${build}) match onnxruntime`, { skip: missing }, async (t) => {
    const rt = await Mote.load(join(wasmDir, build));
    for (const c of cases) {
      await t.test(`${c.name} (${build})`, () => {
        const model = rt.loadModel(readFileSync(c.blob));
        // A stream (runs > 1) feeds each run the next chunk of an input that holds them all.
        const data = Object.fromEntries(c.inputs.map((input) => [input.name, readNpy(input.npy).data]));
        let got;
        for (let r = 0; r < c.runs; ++r) {
          const feeds = {};
          for (const { name, shape, state } of model.inputs) {
            if (state) continue;  // carried from run to run, zeros at first
            const size = shape.reduce((a, b) => a * b, 1);
            feeds[name] = c.runs > 1 && data[name].length === c.runs * size ? data[name].subarray(r * size, (r + 1) * size) : data[name];
          }
          got = model.run(feeds);
        }
        for (const output of c.outputs) {
          const want = readNpy(output.npy).data;
          const out = got[output.name];
          assert.equal(out.length, want.length, `${output.name}: ${out.length} elements, expected ${want.length}`);
          let scale = 0;
          let worst = 0;
          for (let i = 0; i < want.length; ++i) {
            scale = Math.max(scale, Math.abs(want[i]));
            const d = Math.abs(out[i] - want[i]);
            worst = Number.isNaN(d) || d > worst ? (Number.isNaN(d) ? Infinity : d) : worst;
          }
          assert.ok(worst <= c.tolerance * scale, `${output.name}: max|diff| ${worst}, allowed ${c.tolerance * scale}`);
        }
        model.dispose();
      });
    }
  });
}
