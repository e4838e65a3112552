// The digits demo: draw on a 256x256 canvas, shrink to 8x8 (pixel values 0..1, ink bright, as
// models/digits.onnx was trained), run the model through mote.js on every stroke, and chart
// the ten class probabilities.
//
// Query parameters (all optional): wasm = directory of mote.wasm/mote-simd.wasm (default: the
// directory of mote.js), blob = the converted model (default: digits.mote beside this page),
// samples / labels = held-out images and labels as .npy (default: ../../models/...).
// window.moteDemo is a hook for tests: ready (a promise), setPixels(64 numbers) -> result.
import { Mote } from '../mote.js';
import { fetchBuffer, scoreBars } from './common.js';

const params = new URLSearchParams(location.search);
const urls = {
  wasm: params.get('wasm') || undefined,
  blob: params.get('blob') || 'digits.mote',
  samples: params.get('samples') || '../../models/digits_heldout.npy',
  labels: params.get('labels') || '../../models/digits_heldout_labels.npy',
};
const $ = (id) => document.getElementById(id);
const draw = $('draw');
const ctx = draw.getContext('2d', { willReadFrequently: true });
const small = $('small').getContext('2d');
const pixels = new Float32Array(64);
let model = null;
let held = null;
let showBars = null;

// Minimal .npy reader (float32 and int64, C order).
function parseNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  const headerLen = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const body = buffer.slice(10 + headerLen);
  const data = /<i8/.test(header) ? Array.from(new BigInt64Array(body), Number) : new Float32Array(body);
  return { shape, data };
}

function showPixels() {
  const image = small.createImageData(8, 8);
  for (let i = 0; i < 64; ++i) {
    const v = Math.round(Math.min(Math.max(pixels[i], 0), 1) * 255);
    image.data.set([v, v, v, 255], 4 * i);
  }
  small.putImageData(image, 0, 0);
}

// Runs the model on `pixels`. The time is an average over repeated runs: browsers coarsen
// performance.now() (to 100 us in Chromium), and one run of this model is well below that.
function predict() {
  showPixels();
  if (!model) return null;
  // A blank canvas is no digit: no class is claimed for it.
  if (pixels.every((v) => v < 0.02)) {
    showBars(new Float32Array(10));
    $('predicted').textContent = '–';
    $('time').textContent = '';
    return { predicted: null, probabilities: [], ms: 0 };
  }
  const { probabilities } = model.run({ input: pixels });
  let runs = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < 5 && runs < 1000) {
    model.run({ input: pixels });
    ++runs;
    elapsed = performance.now() - t0;
  }
  const ms = elapsed / runs;
  const best = showBars(probabilities);
  $('predicted').textContent = String(best);
  $('time').textContent = ms < 0.1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
  return { predicted: best, probabilities: Array.from(probabilities), ms };
}

// The 256x256 drawing averaged over 32x32 blocks.
function pixelsFromCanvas() {
  const { data } = ctx.getImageData(0, 0, 256, 256);
  pixels.fill(0);
  for (let y = 0; y < 256; ++y) {
    for (let x = 0; x < 256; ++x) pixels[(y >> 5) * 8 + (x >> 5)] += data[4 * (y * 256 + x)] / 255 / 1024;
  }
}

// Paints 8x8 values as blocks, so drawing on top of a sample continues from it.
function canvasFromPixels() {
  for (let i = 0; i < 64; ++i) {
    const v = Math.round(Math.min(Math.max(pixels[i], 0), 1) * 255);
    ctx.fillStyle = `rgb(${v},${v},${v})`;
    ctx.fillRect((i % 8) * 32, (i >> 3) * 32, 32, 32);
  }
}

function setPixels(values, label) {
  if (values.length !== 64) throw new Error('setPixels takes 64 values');
  pixels.set(values);
  canvasFromPixels();
  $('truth').textContent = label === undefined ? '' : `label: ${label}`;
  return predict();
}

function clear() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, 256, 256);
  $('truth').textContent = '';
  pixelsFromCanvas();
  predict();
}

function setupDrawing() {
  let last = null;
  const point = (e) => {
    const r = draw.getBoundingClientRect();
    return [((e.clientX - r.left) * 256) / r.width, ((e.clientY - r.top) * 256) / r.height];
  };
  draw.addEventListener('pointerdown', (e) => {
    draw.setPointerCapture(e.pointerId);
    last = point(e);
    $('truth').textContent = '';
  });
  draw.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = point(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 26;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    last = p;
    pixelsFromCanvas();
    predict();
  });
  const end = () => (last = null);
  draw.addEventListener('pointerup', end);
  draw.addEventListener('pointercancel', end);
  $('clear').addEventListener('click', clear);
  $('sample').addEventListener('click', () => {
    if (!held) return;
    const k = Math.floor(Math.random() * held.count);
    setPixels(held.images.data.subarray(64 * k, 64 * k + 64), held.labels.data[k]);
  });
}

async function main() {
  showBars = scoreBars($('bars'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  clear();
  setupDrawing();
  const rt = await Mote.load(urls.wasm);
  model = rt.loadModel(await fetchBuffer(urls.blob));
  $('module').textContent = rt.simd ? 'mote-simd.wasm (SIMD128)' : 'mote.wasm (scalar)';
  let size = `${(rt.wasmBytes / 1024).toFixed(1)} KiB`;
  if (typeof CompressionStream !== 'undefined') {
    const file = rt.simd ? 'mote-simd.wasm' : 'mote.wasm';
    const base = urls.wasm ? new URL(urls.wasm.replace(/\/?$/, '/'), location.href) : new URL('../', import.meta.url);
    const wasmUrl = /\.wasm$/.test(urls.wasm || '') ? new URL(urls.wasm, location.href) : new URL(file, base);
    try {
      const gz = await new Response((await fetch(wasmUrl)).body.pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
      size += `, ${(gz.byteLength / 1024).toFixed(1)} KiB gzip`;
    } catch {
      // the gzip figure is optional
    }
  }
  $('size').textContent = size;
  $('arena').textContent = `${model.arenaBytes} bytes`;
  try {
    const [images, labels] = await Promise.all([fetchBuffer(urls.samples), fetchBuffer(urls.labels)]);
    held = { images: parseNpy(images), labels: parseNpy(labels) };
    held.count = held.images.shape[0];
  } catch (err) {
    $('sample').disabled = true;
    console.warn('no held-out samples:', err.message);
  }
  $('status').textContent = 'ready';
  predict();
}

const ready = main().catch((err) => {
  $('status').textContent = String(err.message || err);
  $('status').className = 'error';
  throw err;
});
window.moteDemo = { ready, setPixels, predict };
