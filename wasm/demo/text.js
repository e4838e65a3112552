// The text demo: a typed command tokenized by mote.js with the WordPiece vocabulary inside the
// blob (models/intent.onnx converted with --vocab models/intent_vocab.txt), run through the
// intent model, the softmax of its logits shown as the intent and the top three classes.
//
// Query parameters (all optional): wasm = directory of mote.wasm/mote-simd.wasm (default: the
// directory of mote.js), blob = the converted model (default: intent.mote beside this page),
// labels = the class names, one a line (default: ../../models/intent_labels.txt).
// window.moteText is a hook for tests: ready (a promise), classify(text) (what typing the text
// shows: { intent, top: [{ label, p }] x3, tokens, logits }).
import { Mote } from '../mote.js';
import { fetchBuffer } from './common.js';

const params = new URLSearchParams(location.search);
const urls = {
  wasm: params.get('wasm') || undefined,
  blob: params.get('blob') || 'intent.mote',
  labels: params.get('labels') || '../../models/intent_labels.txt',
};
const EXAMPLES = ['turn off the kitchen lights', 'set a timer for 5 minutes', 'will it rain in paris tomorrow',
  'play some jazz in the living room', 'what is the capital of france'];
const $ = (id) => document.getElementById(id);
let model = null;
let input = null;
let labels = [];

function softmax(logits) {
  const max = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function show(result) {
  $('intent').textContent = result ? result.intent : '–';
  const bars = $('bars');
  bars.textContent = '';
  for (const [k, { label, p }] of (result ? result.top : []).entries()) {
    const row = document.createElement('div');
    row.className = k === 0 ? 'bar best' : 'bar';
    row.innerHTML = '<span></span><div class="track"><div class="fill"></div></div><span class="num"></span>';
    row.firstChild.textContent = label;
    row.querySelector('.fill').style.width = `${(p * 100).toFixed(1)}%`;
    row.querySelector('.num').textContent = `${(p * 100).toFixed(1)}%`;
    bars.appendChild(row);
  }
  const tokens = $('tokens');
  tokens.textContent = '';
  for (const t of result ? result.tokens : []) {
    const span = document.createElement('span');
    span.textContent = t;
    tokens.appendChild(span);
  }
}

function classify(text) {
  if (!text.trim()) {
    show(null);
    $('time').textContent = '–';
    return null;
  }
  const t0 = performance.now();
  const n = input.shape[input.shape.length - 1];
  const { ids, count } = model.tokenize(text, { maxLength: n });
  const feed = input.dtype === 'int64' ? BigInt64Array.from(ids, BigInt) : Int32Array.from(ids);
  const logits = Object.values(model.run({ [input.name]: feed }))[0];
  const ms = performance.now() - t0;
  const p = softmax(logits);
  const order = p.map((v, k) => k).sort((a, b) => p[b] - p[a]);
  const name = (k) => (k < labels.length ? labels[k] : `class ${k}`);
  const result = {
    intent: name(order[0]),
    top: order.slice(0, 3).map((k) => ({ label: name(k), p: p[k] })),
    tokens: Array.from(ids.subarray(0, count), (id) => model.vocab.token(id)),
    logits: Array.from(logits),
  };
  show(result);
  $('time').textContent = ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
  return result;
}

async function main() {
  const rt = await Mote.load(urls.wasm);
  const [blob, labelText] = await Promise.all([fetchBuffer(urls.blob), fetch(urls.labels).then((r) => r.text())]);
  model = rt.loadModel(blob);
  labels = labelText.split('\n').map((s) => s.trim()).filter(Boolean);
  input = model.inputs.find((t) => t.name === 'input_ids') || model.inputs[0];
  if (!model.vocab) throw new Error('the blob carries no vocabulary: convert the model with --vocab vocab.txt');
  if (model.inputs.length !== 1 || !['int64', 'int32'].includes(input.dtype)) {
    throw new Error('the model must take one input of int64 or int32 token ids');
  }
  $('module').textContent = rt.simd ? 'mote-simd.wasm (SIMD128)' : 'mote.wasm (scalar)';
  $('arena').textContent = `${model.arenaBytes} bytes`;
  $('vocab').textContent = `${model.vocab.size} pieces`;
  const box = $('command');
  box.addEventListener('input', () => classify(box.value));
  for (const text of EXAMPLES) {
    const b = document.createElement('button');
    b.textContent = text;
    b.addEventListener('click', () => {
      box.value = text;
      classify(text);
    });
    $('examples').appendChild(b);
  }
  $('status').textContent = 'ready';
}

const ready = main().catch((err) => {
  $('status').textContent = String(err.message || err);
  $('status').className = 'error';
  throw err;
});
window.moteText = { ready, classify: (text) => classify(text) };
