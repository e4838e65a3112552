// The keyword demo: the microphone (or the sample clip) through an AudioWorklet that resamples
// to 16 kHz and posts 20 ms chunks (speech-worklet.js); each chunk runs the keyword model
// (models/speech.onnx converted with its --carry pairs) through mote.js in one session, so the
// model's state is carried from chunk to chunk. The model decides itself: its `event` output is
// the class of a keyword detected in this chunk, else -1; `scores` are the smoothed posteriors
// drawn as bars.
//
// Query parameters (all optional): wasm = directory of mote.wasm/mote-simd.wasm (default: the
// directory of mote.js), blob = the converted model (default: speech.mote beside this page),
// labels = the class names, one a line (default: ../../models/speech_labels.txt), sample = the
// clip the "Play the sample" button plays (default: ../../models/speech_sample.wav).
// window.moteSpeech is a hook for tests: ready (a promise), startMicrophone(), playSample(),
// stop(), detections (every detection: { label, index, time } with time the end of its chunk
// in seconds of the stream), chunks (runs so far), inputRate (the device's sample rate).
import { Mote } from '../mote.js';
import { fetchBuffer, scoreBars } from './common.js';

const CHUNK = 320;
const RATE = 16000;
const params = new URLSearchParams(location.search);
const urls = {
  wasm: params.get('wasm') || undefined,
  blob: params.get('blob') || 'speech.mote',
  labels: params.get('labels') || '../../models/speech_labels.txt',
  sample: params.get('sample') || '../../models/speech_sample.wav',
};
const $ = (id) => document.getElementById(id);
const hook = { detections: [], chunks: 0, inputRate: 0, maxPeak: 0 };
let model = null;
let labels = [];
let audio = null; // { context, node, source, stream }
let runMs = 0;
let runCount = 0;
let latest = null;
let drawPending = false;
let showBars = null;

function buildBars() {
  showBars = scoreBars($('bars'), labels);
  $('keywords').textContent = `keywords: ${labels.filter((l) => !/^_.*_$/.test(l)).join(', ')}`;
}

// One 20 ms chunk: run, record a detection, schedule a redraw.
function onChunk(samples) {
  const t0 = performance.now();
  const { scores, event } = model.run({ audio: samples });
  runMs += performance.now() - t0;
  ++runCount;
  const chunk = hook.chunks++;
  let peak = 0;
  for (let i = 0; i < samples.length; ++i) peak = Math.max(peak, Math.abs(samples[i]));
  hook.maxPeak = Math.max(hook.maxPeak, peak);
  latest = { scores, peak };
  // A detection: the event is a class index (>= 0; -1 for none), read as `mote run --labels`
  // reads it, to the nearest integer (an int8 blob may give it quantized, 8.98 for 9).
  const k = event[0] >= 0 ? Math.floor(event[0] + 0.5) : -1;
  if (k >= 0) {
    const time = ((chunk + 1) * CHUNK) / RATE;
    const label = k < labels.length ? labels[k] : `class ${k}`;
    hook.detections.push({ label, index: k, time });
    showDetection(label, time);
  }
  if (!drawPending) {
    drawPending = true;
    requestAnimationFrame(draw);
  }
}

function showDetection(label, time) {
  const word = $('word');
  word.textContent = label;
  word.className = 'fresh';
  requestAnimationFrame(() => requestAnimationFrame(() => (word.className = 'old')));
  const item = document.createElement('li');
  item.textContent = `${time.toFixed(3)} s  ${label}`;
  $('log').prepend(item);
}

function draw() {
  drawPending = false;
  if (!latest) return;
  const { scores, peak } = latest;
  showBars(scores);
  $('level').firstChild.style.width = `${Math.min(100, Math.sqrt(peak) * 100).toFixed(0)}%`;
  if (runCount) $('time').textContent = `${((runMs / runCount) * 1000).toFixed(0)} µs`;
}

// A new stream: the audio graph (source -> resampling worklet), the model's state zeroed.
async function startAudio(makeSource) {
  await stop();
  const context = new AudioContext();
  await context.audioWorklet.addModule(new URL('speech-worklet.js', import.meta.url));
  const node = new AudioWorkletNode(context, 'mote-resample-16k', { numberOfInputs: 1, numberOfOutputs: 0 });
  node.port.onmessage = (e) => onChunk(e.data);
  const { source, stream } = await makeSource(context);
  // The clock held while the graph is wired and a clip started: the worklet's first input is
  // then the clip's first sample however late this thread runs (a busy machine would otherwise
  // let silent render quanta in first and move every chunk boundary).
  await context.suspend();
  model.resetState();
  hook.detections = [];
  hook.chunks = 0;
  hook.maxPeak = 0;
  hook.inputRate = context.sampleRate;
  runMs = 0;
  runCount = 0;
  $('log').textContent = '';
  $('word').textContent = '–';
  source.connect(node);
  if (source.start) source.start();
  audio = { context, node, source, stream };
  $('rate').textContent = `${context.sampleRate} Hz, resampled to ${RATE} Hz`;
  $('stop').disabled = false;
  await context.resume();
  return audio;
}

async function startMicrophone() {
  await startAudio(async (context) => {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    return { source: context.createMediaStreamSource(stream), stream };
  });
  $('status').textContent = 'listening';
}

// The sample clip through the same path as the microphone (decoded at the context's rate).
async function playSample() {
  const bytes = await fetchBuffer(urls.sample);
  const { context } = await startAudio(async (ctx) => {
    const source = ctx.createBufferSource();
    source.buffer = await ctx.decodeAudioData(bytes);
    return { source, stream: null };
  });
  $('status').textContent = 'playing the sample';
  audio.source.onended = () => {
    if (audio && audio.context === context) $('status').textContent = 'sample played';
  };
}

async function stop() {
  if (!audio) return;
  const { context, node, source, stream } = audio;
  audio = null;
  node.port.postMessage('stop');
  source.disconnect();
  if (stream) stream.getTracks().forEach((t) => t.stop());
  await context.close();
  $('stop').disabled = true;
  $('status').textContent = 'stopped';
}

function guard(action) {
  return () =>
    action().catch((err) => {
      $('status').textContent = String(err.message || err);
      $('status').className = 'error';
    });
}

async function main() {
  const rt = await Mote.load(urls.wasm);
  const [blob, labelText] = await Promise.all([fetchBuffer(urls.blob), fetch(urls.labels).then((r) => r.text())]);
  model = rt.loadModel(blob);
  labels = labelText.split('\n').map((s) => s.trim()).filter(Boolean);
  const input = model.inputs.find((t) => t.name === 'audio');
  const scores = model.outputs.find((t) => t.name === 'scores');
  if (!input || input.shape.reduce((a, b) => a * b, 1) !== CHUNK || !model.outputs.some((t) => t.name === 'event') ||
      !scores || scores.shape.reduce((a, b) => a * b, 1) !== labels.length) {
    throw new Error(`the model must take audio [1, ${CHUNK}] and give scores [1, ${labels.length}] and event [1]`);
  }
  buildBars();
  $('module').textContent = rt.simd ? 'mote-simd.wasm (SIMD128)' : 'mote.wasm (scalar)';
  $('arena').textContent = `${model.arenaBytes} bytes`;
  $('mic').addEventListener('click', guard(startMicrophone));
  $('play').addEventListener('click', guard(playSample));
  $('stop').addEventListener('click', guard(stop));
  if (!navigator.mediaDevices || !window.AudioWorkletNode) {
    $('mic').disabled = true;
    $('status').textContent = 'ready (no microphone access: the page needs https or localhost)';
  } else {
    $('status').textContent = 'ready';
  }
}

const ready = main().catch((err) => {
  $('status').textContent = String(err.message || err);
  $('status').className = 'error';
  throw err;
});
window.moteSpeech = Object.assign(hook, { ready, startMicrophone, playSample, stop });
