// The demo page (wasm/demo) in headless Chromium: serves the repository and the wasm build over
// a localhost HTTP server started here, loads the page, feeds it the held-out digit of
// models/digits_sample.npy through its test hook, checks the predicted class against
// models/digits_sample_label.txt and the probabilities against the host CLI, draws a stroke
// with the mouse, and saves a screenshot.
//
// Environment (set by run_wasm_tests.sh): MOTE_WASM_DIR (served as /build/, holding the modules
// and digits.mote), MOTE_DIGITS_REF (host output), MOTE_SCREENSHOT_DIR (where demo.png goes).
// Needs Debian's chromium and playwright-core from tests/wasm/package.json; skipped without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launch, root, serve, skipReason as skip, wasmDir } from './chromium.mjs';
import { readNpy } from './npy.mjs';

test('the digits demo classifies a held-out digit in headless Chromium', { skip, timeout: 180_000 }, async () => {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { page, problems, close } = await launch({ width: 1200, height: 520 });
  try {
    await page.goto(`${origin}/wasm/demo/index.html?wasm=/build/&blob=/build/digits.mote`);
    await page.evaluate(() => window.moteDemo.ready);
    assert.equal(await page.textContent('#status'), 'ready');
    assert.equal(await page.textContent('#module'), 'mote-simd.wasm (SIMD128)', 'Chromium runs SIMD128');
    assert.match(await page.textContent('#size'), /KiB, [\d.]+ KiB gzip/);

    const sample = Array.from(readNpy(join(root, 'models/digits_sample.npy')).data);
    const label = Number(readFileSync(join(root, 'models/digits_sample_label.txt'), 'utf8').trim());
    const result = await page.evaluate(([values, digit]) => window.moteDemo.setPixels(values, digit), [sample, label]);
    assert.equal(result.predicted, label);
    assert.equal(await page.textContent('#predicted'), String(label));
    if (process.env.MOTE_DIGITS_REF) {
      const ref = readNpy(process.env.MOTE_DIGITS_REF).data;
      const scale = Math.max(...ref.map(Math.abs));
      result.probabilities.forEach((p, k) => assert.ok(Math.abs(p - ref[k]) <= 1e-4 * scale, `class ${k}: ${p} vs host ${ref[k]}`));
    }
    assert.match(await page.textContent('#time'), /\d (ms|µs)$/);
    const shot = join(process.env.MOTE_SCREENSHOT_DIR || wasmDir, 'demo.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot} (predicted ${result.predicted}, ${result.ms.toFixed(3)} ms)`);

    // A stroke drawn with the mouse runs the model again and redraws the bars.
    await page.click('#clear');
    assert.equal(await page.textContent('#predicted'), '–', 'a blank canvas claims no digit');
    const box = await page.locator('#draw').boundingBox();
    await page.mouse.move(box.x + 128, box.y + 40);
    await page.mouse.down();
    for (let y = 40; y <= 220; y += 10) await page.mouse.move(box.x + 128, box.y + y);
    await page.mouse.up();
    const drawn = await page.evaluate(() => window.moteDemo.predict());
    assert.ok(drawn.probabilities.some((p) => p > 0.3), 'a drawn stroke gets a confident class');
    await page.screenshot({ path: join(process.env.MOTE_SCREENSHOT_DIR || wasmDir, 'demo-drawn.png') });
    console.log(`drawn vertical stroke: predicted ${drawn.predicted}`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
    server.close();
  }
});
