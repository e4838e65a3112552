// The text demo page (wasm/demo/text.html) in headless Chromium: held-out commands typed into
// the page's box (the keyboard, one key at a time, the page classifying on every key) must show
// the host's class for the same blob (`mote run --text-file`), with the top three classes and
// their probabilities from the host's logits; an example button and clearing the box too.
// Screenshot: MOTE_SCREENSHOT_DIR/text.png.
//
// Environment (set by run_wasm_tests.sh): MOTE_WASM_DIR, MOTE_TEXT_DIR (the converted blobs,
// texts.txt, labels.txt and the host's runs in int8/ and float/, as intent.test.mjs reads them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launch, serve, skipReason, wasmDir } from './chromium.mjs';
import { readNpy } from './npy.mjs';

const textDir = process.env.MOTE_TEXT_DIR;
const skip = skipReason || (!textDir ? 'MOTE_TEXT_DIR unset: run tests/wasm/run_wasm_tests.sh'
  : !existsSync(join(textDir, 'intent_int8.mote')) ? `no ${textDir}/intent_int8.mote (models/intent.onnx missing)` : false);

function softmax(logits) {
  const max = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

test('the text demo shows the host\'s intent and top three for typed commands in headless Chromium',
  { skip, timeout: 180_000 }, async () => {
    const variant = 'int8';
    const texts = readFileSync(join(textDir, 'texts.txt'), 'utf8').split('\n').filter(Boolean);
    const labels = readFileSync(join(textDir, 'labels.txt'), 'utf8').split('\n').filter(Boolean);
    const hostClasses = readFileSync(join(textDir, variant, 'printed.txt'), 'utf8').split('\n')
      .filter((l) => l.trim() && !/^(runs|arena|note):/.test(l)).map((l) => l.split(/\s+/)[0]);
    const hostLogits = readNpy(join(textDir, variant, 'logits.runs.npy')).data;
    const server = await serve({ text: textDir });
    const origin = `http://127.0.0.1:${server.address().port}`;
    const { page, problems, close } = await launch({ width: 1200, height: 520 });
    try {
      await page.goto(`${origin}/wasm/demo/text.html?wasm=/build/&blob=/text/intent_${variant}.mote&labels=/text/labels.txt`);
      await page.evaluate(() => window.moteText.ready);
      assert.equal(await page.textContent('#status'), 'ready');
      assert.match(await page.textContent('#vocab'), /^\d+ pieces$/);
      // Every 40th held-out command, typed.
      const picks = texts.map((t, k) => k).filter((k) => k % 40 === 0);
      for (const k of picks) {
        await page.fill('#command', '');
        await page.type('#command', texts[k]);
        const intent = await page.textContent('#intent');
        assert.equal(intent, hostClasses[k], `"${texts[k]}"`);
        const p = softmax(hostLogits.subarray(k * labels.length, (k + 1) * labels.length));
        const order = p.map((v, c) => c).sort((a, b) => p[b] - p[a]).slice(0, 3);
        const bars = await page.$$eval('#bars .bar', (rows) => rows.map((r) => [r.firstChild.textContent, r.querySelector('.num').textContent]));
        assert.deepEqual(bars, order.map((c) => [labels[c], `${(p[c] * 100).toFixed(1)}%`]), `top 3 of "${texts[k]}"`);
      }
      console.log(`${picks.length} typed commands: the host's intent and top 3`);
      await page.click('#examples button:nth-child(2)');
      assert.equal(await page.textContent('#intent'), 'set_timer');
      assert.equal(await page.inputValue('#command'), 'set a timer for 5 minutes');
      assert.match(await page.textContent('#tokens'), /^\[CLS\]set/);
      await page.screenshot({ path: join(process.env.MOTE_SCREENSHOT_DIR || wasmDir, 'text.png') });
      await page.fill('#command', '');
      await page.dispatchEvent('#command', 'input');
      assert.equal(await page.textContent('#intent'), '–', 'an empty box claims no intent');
      assert.deepEqual(problems, []);
    } finally {
      await close();
      server.close();
    }
  });
