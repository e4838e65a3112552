// The keyword demo page (wasm/demo/speech.html) in headless Chromium. Its "Play the sample" path
// (models/speech_sample.wav decoded and played through the page's AudioWorklet, which resamples
// to 16 kHz, every 20 ms run through mote.js) must give the host's detections for the same blob,
// to the chunk. Then a fake microphone plays the sample (--use-file-for-fake-audio-capture) and
// the keywords the page detects must be the sample's, in order (models/speech_sample_words.txt).
// Screenshot: MOTE_SCREENSHOT_DIR/speech.png.
//
// The fake device plays the file in real time, so the test takes about twice the clip's length.
// Environment (set by run_wasm_tests.sh): MOTE_WASM_DIR, MOTE_SPEECH_DIR (the converted blobs:
// speech_int8.mote, else speech_float.mote, and the host's detections, NAME.expected), MOTE_SPEECH_MODELS (default: models/, holding
// speech_sample.wav, speech_labels.txt, speech_sample_words.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launch, root, serve, skipReason, wasmDir } from './chromium.mjs';

const speechDir = process.env.MOTE_SPEECH_DIR;
const models = process.env.MOTE_SPEECH_MODELS || join(root, 'models');
const variant = speechDir && ['speech_int8', 'speech_float'].find((v) => existsSync(join(speechDir, `${v}.mote`)));
const skip = skipReason || (!speechDir
  ? 'MOTE_SPEECH_DIR unset: run tests/wasm/run_wasm_tests.sh'
  : !variant ? `no converted speech model in ${speechDir} (models/speech.onnx missing)`
    : !existsSync(join(models, 'speech_sample_words.txt')) ? `no ${models}/speech_sample_words.txt` : false);

// The clip's length in seconds, from its RIFF header (16-bit mono PCM).
function wavSeconds(path) {
  const b = readFileSync(path);
  let at = 12;
  let rate = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(at + 12);
    if (id === 'data') return size / 2 / rate;
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

async function waitFor(page, condition, arg, timeoutMs) {
  await page.waitForFunction(condition, arg, { timeout: timeoutMs, polling: 100 });
}

test('the keyword demo hears the sample\'s keywords from a (fake) microphone in headless Chromium',
  { skip, timeout: 240_000 }, async () => {
    const wav = join(models, 'speech_sample.wav');
    const seconds = wavSeconds(wav);
    const words = readFileSync(join(models, 'speech_sample_words.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
    const server = await serve({ speech: speechDir, speechmodels: models });
    const origin = `http://127.0.0.1:${server.address().port}`;
    const { page, problems, close } = await launch({ width: 1200, height: 560 }, [
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}%noloop`,
      '--autoplay-policy=no-user-gesture-required']);
    try {
      await page.goto(`${origin}/wasm/demo/speech.html?wasm=/build/&blob=/speech/${variant}.mote` +
        '&labels=/speechmodels/speech_labels.txt&sample=/speechmodels/speech_sample.wav');
      await page.evaluate(() => window.moteSpeech.ready);
      assert.equal(await page.textContent('#status'), 'ready');
      const line = (d) => `${d.time.toFixed(3)} s  ${d.label}`;

      // The clip decoded (Chrome resamples it to the context's rate) and played through the
      // worklet, chunks aligned with the file: the host's detections for the same blob, to the
      // chunk (mote run --chunk 1 on the .wav, as speech_stream.py prepare wrote them).
      const host = readFileSync(join(speechDir, `${variant}.expected`), 'utf8').split('\n').filter((l) => /^\d+\.\d{3} s  /.test(l));
      await page.evaluate(() => window.moteSpeech.playSample());
      await waitFor(page, () => document.getElementById('status').textContent === 'sample played', null, (seconds + 60) * 1000);
      const played = await page.evaluate(() => window.moteSpeech.detections);
      console.log(`sample played (${variant}): ${played.map(line).join(' | ')}`);
      assert.deepEqual(played.map(line), host, 'the played sample gives the host\'s detections');

      // The microphone: the device starts the file a few milliseconds after the stream opens, so
      // its chunks are not the file's; the keywords must still be the sample's words. The fake
      // device repeats the file unless told %noloop; only the first pass is compared anyway.
      // Capture is real time: on a machine busy with other work the device can drop or repeat
      // blocks, so a pass that hears other words is tried again (up to three passes, each printed).
      let heard = [];
      for (let pass = 1; pass <= 3; ++pass) {
        await page.evaluate(() => window.moteSpeech.startMicrophone());
        await waitFor(page, (s) => window.moteSpeech.chunks * 0.02 >= s + 1, seconds, (seconds + 60) * 1000);
        const mic = await page.evaluate(() => ({ detections: window.moteSpeech.detections, rate: window.moteSpeech.inputRate, peak: window.moteSpeech.maxPeak }));
        heard = mic.detections.filter((d) => d.time <= seconds + 0.5);
        console.log(`microphone pass ${pass} at ${mic.rate} Hz, peak ${mic.peak.toFixed(3)} (${variant}): ${heard.map(line).join(' | ')}`);
        if (heard.map((d) => d.label).join() === words.join()) break;
      }
      await page.screenshot({ path: join(process.env.MOTE_SCREENSHOT_DIR || wasmDir, 'speech.png') });
      assert.deepEqual(heard.map((d) => d.label), words,
        `keywords heard from the microphone (the host hears ${host.join(' | ') || 'nothing'} in the clip as it is)`);
      assert.equal(await page.textContent('#word'), heard[heard.length - 1].label);
      await page.evaluate(() => window.moteSpeech.stop());
      assert.deepEqual(problems, []);
    } finally {
      await close();
      server.close();
    }
  });
