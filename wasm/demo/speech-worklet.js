// AudioWorklet processor for the keyword demo (speech.js): takes the first channel of its input
// at the context's rate (44.1 or 48 kHz from a microphone), resamples it to 16 kHz and posts
// Float32Array chunks of 320 samples (20 ms) to the main thread, transferring each buffer.
//
// Resampling: band-limited interpolation. Every output sample at input position t (fractional,
// advancing by inRate / 16000 per output) is the sum of the input samples within HALF_ZEROS
// zero crossings of a low-pass windowed-sinc kernel centred on t, with the cutoff just below
// 8 kHz so that nothing above the new Nyquist frequency folds back into the speech band. At
// 16 kHz in, samples pass through unchanged.
const OUT_RATE = 16000;
const CHUNK = 320;
const HALF_ZEROS = 8; // zero crossings of the kernel on each side
const CUTOFF = 0.92; // of the output's Nyquist frequency
const TABLE_STEPS = 64;

class ResampleProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / OUT_RATE; // input samples per output sample
    this.passThrough = sampleRate === OUT_RATE;
    // The kernel's cutoff in cycles per input sample, and its half width in input samples.
    this.fc = (CUTOFF * 0.5 * OUT_RATE) / sampleRate;
    this.half = Math.ceil(HALF_ZEROS / (2 * this.fc));
    // The kernel tabulated at TABLE_STEPS points per input sample, read with linear interpolation.
    this.table = new Float32Array(2 * this.half * TABLE_STEPS + 2);
    for (let j = 0; j < this.table.length; ++j) this.table[j] = this.kernelAt(j / TABLE_STEPS - this.half);
    // History: the last `2 * half` input samples and then the new block; `base` is the input
    // index of history[0], `t` the input position of the next output sample.
    this.history = new Float32Array(this.half); // zeros before the stream starts
    this.base = -this.half;
    this.t = 0;
    this.chunk = new Float32Array(CHUNK);
    this.filled = 0;
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data === 'stop') this.running = false;
    };
  }

  kernel(d) {
    const x = (d + this.half) * TABLE_STEPS;
    const j = Math.floor(x);
    if (j < 0 || j + 1 >= this.table.length) return 0;
    return this.table[j] + (x - j) * (this.table[j + 1] - this.table[j]);
  }

  kernelAt(d) {
    // Low-pass windowed sinc at fc, Blackman window over +-half input samples.
    if (Math.abs(d) >= this.half) return 0;
    const x = 2 * this.fc * d;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / this.half) + 0.08 * Math.cos((2 * Math.PI * d) / this.half);
    return 2 * this.fc * sinc * w;
  }

  emit(v) {
    this.chunk[this.filled++] = v;
    if (this.filled === CHUNK) {
      this.port.postMessage(this.chunk, [this.chunk.buffer]);
      this.chunk = new Float32Array(CHUNK);
      this.filled = 0;
    }
  }

  process(inputs) {
    if (!this.running) return false;
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    if (this.passThrough) {
      for (let i = 0; i < input.length; ++i) this.emit(input[i]);
      return true;
    }
    const joined = new Float32Array(this.history.length + input.length);
    joined.set(this.history);
    joined.set(input, this.history.length);
    const end = this.base + joined.length; // one past the last input index held
    // An output needs the input up to t + half.
    while (this.t + this.half < end) {
      const centre = Math.floor(this.t);
      let sum = 0;
      for (let k = centre - this.half + 1; k <= centre + this.half; ++k) {
        const i = k - this.base;
        if (i >= 0) sum += joined[i] * this.kernel(this.t - k);
      }
      this.emit(sum);
      this.t += this.step;
    }
    // Keep what the next outputs still need: from floor(t) - half on.
    const keepFrom = Math.max(0, Math.floor(this.t) - this.half + 1 - this.base);
    this.history = joined.slice(keepFrom);
    this.base += keepFrom;
    return true;
  }
}

registerProcessor('mote-resample-16k', ResampleProcessor);
