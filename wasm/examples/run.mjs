#!/usr/bin/env node
// Runs a Mote blob in Node on .npy inputs and prints each output's shape, first values and
// argmax: the WebAssembly runtime as a Node program uses it.
//
//   node run.mjs MODEL.mote NAME=INPUT.npy [NAME=INPUT.npy ...]
//   (in a project: npm install mote-runtime; then import { Mote } from 'mote-runtime')
import { readFileSync } from 'node:fs';

import { Mote } from '../mote.js';
import { readNpy } from './npy.mjs';

const [blobPath, ...specs] = process.argv.slice(2);
if (!blobPath || specs.length === 0) {
  console.error('usage: node run.mjs MODEL.mote NAME=INPUT.npy [NAME=INPUT.npy ...]');
  process.exit(2);
}
const rt = await Mote.load();  // mote-simd.wasm or mote.wasm beside mote.js
const model = rt.loadModel(readFileSync(blobPath));
const feeds = {};
for (const spec of specs) {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? model.inputs[0].name : spec.slice(0, eq);
  const { shape, data } = readNpy(eq < 0 ? spec : spec.slice(eq + 1));
  feeds[name] = { data, dims: shape };
}
const outputs = model.runTensors(feeds);
console.log(`kernels: ${rt.kernelSet}, arena ${model.arenaBytes} bytes`);
for (const [name, t] of Object.entries(outputs)) {
  let best = 0;
  for (let i = 1; i < t.data.length; ++i) if (t.data[i] > t.data[best]) best = i;
  const head = Array.from(t.data.slice(0, 4), (v) => Number(v).toPrecision(6)).join(', ');
  console.log(`${name}: ${t.dtype} [${t.dims.join(',')}]  argmax ${best}  [${head}${t.data.length > 4 ? ', ...' : ''}]`);
}
model.dispose();
