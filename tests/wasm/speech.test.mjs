// The keyword model streamed through mote.js in Node, both WebAssembly builds, against the host
// CLI (`mote run --chunk 1`) on the same blob and clip: the event sequence (every chunk's
// `event`) must be the host's exactly; int8 blobs give every score bit for bit too, float32
// blobs the scores within 1e-4 of the largest. Then resetState() starts the stream again.
//
// Environment (set by run_wasm_tests.sh): MOTE_WASM_DIR, and MOTE_SPEECH_DIR, the output of
// tests/qemu/speech_stream.py prepare: audio.npy, speech_float.mote and speech_int8.mote with
// the host's runs in speech_float.run/ and speech_int8.run/ (event.runs.npy, scores.runs.npy).
// Skipped when models/speech.onnx was not there to convert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Mote } from '../../wasm/mote.js';
import { readNpy } from './npy.mjs';

const wasmDir = process.env.MOTE_WASM_DIR;
const speechDir = process.env.MOTE_SPEECH_DIR;
const CHUNK = 320;

function stream(model, audio) {
  const chunks = audio.length / CHUNK;
  const events = new Float32Array(chunks);
  const scores = [];
  for (let c = 0; c < chunks; ++c) {
    const out = model.run({ audio: audio.subarray(c * CHUNK, (c + 1) * CHUNK) });
    events[c] = out.event[0];
    scores.push(out.scores);
  }
  return { events, scores };
}

for (const variant of ['speech_int8', 'speech_float']) {
  for (const build of ['mote-simd.wasm', 'mote.wasm']) {
    const blob = speechDir && join(speechDir, `${variant}.mote`);
    const skip = !wasmDir || !speechDir
      ? 'MOTE_WASM_DIR, MOTE_SPEECH_DIR: run tests/wasm/run_wasm_tests.sh'
      : !existsSync(blob) ? `no ${blob} (models/speech.onnx missing, or no calibration data for int8)` : false;
    test(`${variant} streamed through mote.js (${build}) gives the host's events${variant === 'speech_int8' ? ' and scores bit for bit' : ''}`,
      { skip }, async () => {
        const rt = await Mote.load(join(wasmDir, build));
        const model = rt.loadModel(readFileSync(blob));
        assert.ok(model.inputs.some((t) => t.state), 'the blob carries state (mote convert --carry)');
        const audio = readNpy(join(speechDir, 'audio.npy')).data;
        const hostEvents = readNpy(join(speechDir, `${variant}.run`, 'event.runs.npy')).data;
        const hostScores = readNpy(join(speechDir, `${variant}.run`, 'scores.runs.npy')).data;
        const { events, scores } = stream(model, audio);
        assert.equal(events.length, hostEvents.length);
        assert.deepEqual(Array.from(events), Array.from(hostEvents), 'event sequence');
        assert.ok(events.some((e) => e !== -1), 'the sample has detections');
        const n = hostScores.length / events.length;
        if (variant === 'speech_int8') {
          scores.forEach((s, c) => {
            const want = new Uint32Array(hostScores.buffer, hostScores.byteOffset + c * n * 4, n);
            assert.deepEqual(Array.from(new Uint32Array(s.buffer, s.byteOffset, n)), Array.from(want), `scores of chunk ${c}`);
          });
        } else {
          const scale = Math.max(...hostScores.map(Math.abs));
          let worst = 0;
          scores.forEach((s, c) => s.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - hostScores[c * n + k])))));
          assert.ok(worst <= 1e-4 * scale, `max |wasm - host| = ${worst}`);
        }
        // A new stream after resetState() repeats the first exactly.
        model.resetState();
        const again = stream(model, audio.subarray(0, 50 * CHUNK));
        assert.deepEqual(Array.from(again.events), Array.from(events.subarray(0, 50)));
        assert.deepEqual(Array.from(again.scores[49]), Array.from(scores[49]));
        model.dispose();
      });
  }
}
