// Runs a Mote blob through the WebAssembly runtime (mote-simd.wasm, SIMD128 kernels) in Node and
// compares its first output with a reference .npy, as tests/models/compare_npy.py does for the
// host: passes when max|out - ref| <= TOL * max|ref|.
//
//   node compare_blob.mjs WASM_DIR MODEL.mote INPUT.npy REFERENCE.npy [TOL]
//
// Prints one line, "MAX_ABS_DIFF RATIO_TO_TOLERANCE KERNEL_SET", or "error: ..."; exits 0 on
// pass, 1 otherwise.
import { readFileSync } from 'node:fs';

import { Mote } from '../../wasm/mote.js';
import { readNpy } from './npy.mjs';

const [wasmDir, blobPath, inputPath, refPath, tolArg] = process.argv.slice(2);
if (!refPath) {
  console.error('usage: node compare_blob.mjs WASM_DIR MODEL.mote INPUT.npy REFERENCE.npy [TOL]');
  process.exit(2);
}
const tol = tolArg === undefined ? 1e-4 : Number(tolArg);
try {
  const rt = await Mote.load(wasmDir, { simd: true });
  const model = rt.loadModel(readFileSync(blobPath));
  const input = readNpy(inputPath);
  const out = Object.values(model.runTensors({ [model.inputs[0].name]: { data: input.data, dims: input.shape } }))[0];
  const ref = readNpy(refPath);
  if (out.data.length !== ref.data.length) throw new Error(`${out.data.length} values, reference ${ref.data.length}`);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < ref.data.length; ++i) {
    const d = Math.abs(out.data[i] - ref.data[i]);
    if (!(d <= worst)) worst = d;  // a NaN makes worst NaN, and the check below fails
    scale = Math.max(scale, Math.abs(ref.data[i]));
  }
  const ratio = worst / (tol * scale);
  console.log(`${worst.toExponential(3)} ${ratio.toFixed(4)} ${rt.kernelSet}`);
  model.dispose();
  process.exit(ratio <= 1 ? 0 : 1);
} catch (err) {
  console.log(`error: ${err.message}`);
  process.exit(1);
}
