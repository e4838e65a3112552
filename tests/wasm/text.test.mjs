// The tokenizer through mote.js (both modules) against the host CLI (`mote tokenize --json`):
// a blob converted with --vocab (model.tokenize, model.vocab) and a .motevocab (rt.loadVocab),
// padded, unpadded, truncated, with raw bytes holding invalid UTF-8; and the errors a caller can
// provoke. Run by run_wasm_tests.sh (MOTE_WASM_DIR, MOTE_BIN).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Mote, MoteError } from '../../wasm/mote.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const wasmDir = process.env.MOTE_WASM_DIR;
const mote = process.env.MOTE_BIN;
const missing = !wasmDir || !mote ? 'MOTE_WASM_DIR, MOTE_BIN: run tests/wasm/run_wasm_tests.sh' : false;

const texts = ['Turn ON the kitchen lights, please!', 'Café crème — ΟΔΟΣ 中国', 'set a timer for 10 minutes',
  '   ', '', 'unaffable lights lights lights lights lights lights lights lights lights lights'];

function setup() {
  const work = mkdtempSync(join(tmpdir(), 'mote-text-'));
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'turn', 'on', 'the', 'kitchen', 'light', '##s', ',', '!', 'please',
    'cafe', 'creme', '—', 'οδος', '中', '国', 'set', 'a', 'timer', 'for', '1', '##0', 'minute', 'un', '##aff', '##able'];
  writeFileSync(join(work, 'vocab.txt'), vocab.join('\n') + '\n');
  execFileSync(mote, ['vocab', join(work, 'vocab.txt'), '-o', join(work, 'v.motevocab'), '--max-len', '12']);
  execFileSync(mote, ['convert', join(root, 'models/digits.onnx'), '-o', join(work, 'text.mote'), '--vocab', join(work, 'vocab.txt'),
    '--max-len', '12']);
  const host = (path, text, extra = []) => JSON.parse(execFileSync(mote, ['tokenize', path, text, '--json', ...extra], { encoding: 'utf8' }));
  return { work, host };
}

for (const file of ['mote-simd.wasm', 'mote.wasm']) {
  test(`tokenize through mote.js (${file}) equals mote tokenize`, { skip: missing }, async () => {
    const { work, host } = setup();
    const rt = await Mote.load(join(wasmDir, file));
    const model = rt.loadModel(readFileSync(join(work, 'text.mote')));
    assert.ok(model.vocab);
    assert.equal(model.vocab.size, 30);
    assert.equal(model.vocab.maxLength, 12);
    assert.deepEqual(model.vocab.special, { unk: 1, cls: 2, sep: 3, pad: 0, mask: 4 });
    const vocab = rt.loadVocab(readFileSync(join(work, 'v.motevocab')));
    for (const text of texts) {
      const want = host(join(work, 'text.mote'), text);
      for (const got of [model.tokenize(text), vocab.tokenize(text)]) {
        assert.deepEqual(Array.from(got.ids), want.ids, text);
        assert.deepEqual(Array.from(got.attentionMask), want.attention_mask, text);
        assert.deepEqual(Array.from(got.tokenTypeIds), want.token_type_ids, text);
        assert.equal(got.count, want.count);
        assert.equal(got.needed, want.needed);
      }
      const unpadded = host(join(work, 'v.motevocab'), text, ['--no-padding', '--max-len', '40']);
      assert.deepEqual(Array.from(vocab.tokenize(text, { padding: false, maxLength: 40 }).ids), unpadded.ids, text);
    }
    // Raw bytes: invalid UTF-8 is dropped (read as U+FFFD, which cleaning drops).
    const bytes = Uint8Array.from([0x74, 0x75, 0xff, 0x72, 0x6e, 0x20, 0xc0, 0x80, 0x6f, 0x6e]);
    assert.deepEqual(Array.from(model.tokenize(bytes, { padding: false }).ids), [2, 5, 6, 3]);
    assert.deepEqual(Array.from(model.tokenize('lights', { specialTokens: false, padding: false }).ids), [9, 10]);
    assert.equal(vocab.token(10), '##s');
    assert.equal(vocab.token(99), undefined);
    assert.equal(vocab.find('kitchen'), 8);
    assert.equal(vocab.find('kitchens'), -1);
    vocab.dispose();
    model.dispose();
  });
}

test('Mote.worker tokenizes with the blob\'s vocabulary off the main thread', { skip: missing }, async () => {
  const { work, host } = setup();
  const rt = await Mote.worker(join(wasmDir, 'mote-simd.wasm'));
  try {
    const model = await rt.loadModel(readFileSync(join(work, 'text.mote')));
    const text = 'Turn ON the kitchen lights, please!';
    const got = await model.tokenize(text);
    assert.deepEqual(Array.from(got.ids), host(join(work, 'text.mote'), text).ids);
    await model.dispose();
  } finally {
    await rt.terminate();
  }
});

test('tokenize errors: no vocabulary, a damaged table, a short max length', { skip: missing }, async () => {
  const { work } = setup();
  const rt = await Mote.load(join(wasmDir, 'mote-simd.wasm'));
  execFileSync(mote, ['convert', join(root, 'models/digits.onnx'), '-o', join(work, 'plain.mote')]);
  const plain = rt.loadModel(readFileSync(join(work, 'plain.mote')));
  assert.equal(plain.vocab, null);
  assert.throws(() => plain.tokenize('turn on'), (err) => err instanceof MoteError && /no vocabulary/.test(err.detail));
  const table = readFileSync(join(work, 'v.motevocab'));
  const bad = Uint8Array.from(table);
  bad[bad.length - 1] ^= 1;
  assert.throws(() => rt.loadVocab(bad), (err) => err instanceof MoteError && err.statusText === 'blob checksum mismatch');
  assert.throws(() => rt.loadVocab(table.subarray(0, 40)), (err) => err instanceof MoteError);
  const vocab = rt.loadVocab(table);
  assert.throws(() => vocab.tokenize('turn', { maxLength: 1 }), (err) => err instanceof MoteError && /too short/.test(err.detail));
  assert.throws(() => vocab.tokenize(42), TypeError);
});
