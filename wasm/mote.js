// Mote for JavaScript: runs Mote blobs in the WebAssembly build of the runtime (mote.wasm, or
// mote-simd.wasm where the engine has SIMD128). No dependencies, no bundler; Node >= 18 and
// browsers. The module imports nothing: this file places each blob, model, session and arena
// in the module's memory itself, above the runtime's static data and stack, and grows the
// memory when it needs more.
//
//   import { Mote } from './mote.js';
//   const rt = await Mote.load();                 // mote-simd.wasm or mote.wasm beside this file
//   const model = rt.loadModel(blobBytes);        // throws MoteError on a bad blob
//   const { probabilities } = model.run({ input: new Float32Array(64) });
//   const { ids, attentionMask } = textModel.tokenize('turn on the lights');  // mote convert --vocab
//
// See mote.d.ts for the whole API.

const DTYPES = {
  1: ['float32', Float32Array],
  2: ['uint8', Uint8Array],
  3: ['int8', Int8Array],
  6: ['int32', Int32Array],
  7: ['int64', BigInt64Array],
  9: ['bool', Uint8Array],
  10: ['float16', Uint16Array], // the IEEE half bits
};
const ERR_INVALID_ARGUMENT = 1;
const ERR_SHAPE = 11;
const ALIGN = 16; // blobs and arenas must be 16-byte aligned
const PAGE = 65536;
// mote_tensor_info in wasm32: name, dtype, rank, dims[8], bytes (48 bytes), then in runtimes
// that have them the quantization of int8 inputs/outputs: scale, zero_point.
const TENSOR_INFO_MIN_BYTES = 48;

// The exports this glue calls of a module built small (wasm/build.sh model-small=), which
// exports only these (and `memory`; not mote_status_str, whose names the glue has, nor
// mote_session_set_input, which the glue calls only for the detail text of a wrong input size,
// text that module does not have), each under a short name: the index in this list in base 36 ('0', '1',
// ..., 'a', ...); wasm/short_exports.mjs reads the list from here when it renames them, so the
// list and the names cannot drift apart. The glue maps them back (Runtime.exports has the long
// names in every module). Append only: a new name goes last.
// short-exports-begin
const SHORT_EXPORTS = [
  '_initialize', 'mote_kernel_set', 'mote_model_arena_bytes', 'mote_model_error',
  'mote_model_input_info', 'mote_model_load', 'mote_model_num_inputs', 'mote_model_num_ops',
  'mote_model_num_outputs', 'mote_model_op_code', 'mote_model_op_name', 'mote_model_op_type',
  'mote_model_output_info', 'mote_session_error', 'mote_session_init', 'mote_session_input_data',
  'mote_session_output_data', 'mote_session_reset_state', 'mote_session_run', 'mote_session_run_ops',
  'mote_wasm_heap_base', 'mote_wasm_model_bytes', 'mote_wasm_session_bytes',
  'mote_wasm_simd', 'mote_wasm_tensor_info_bytes', 'mote_wasm_vocab_bytes', 'mote_model_vocab',
  'mote_vocab_open', 'mote_vocab_error', 'mote_vocab_find', 'mote_vocab_size', 'mote_vocab_token',
  'mote_vocab_tokenize', 'mote_vocab_lower_case', 'mote_vocab_max_length', 'mote_vocab_special',
  'mote_vocab_strip_accents',
];
// short-exports-end

// mote_status_str's names, for the module built small, which leaves it out (the glue has them).
// tests/wasm/runtime.test.mjs checks them against mote_status_str of the other modules.
const STATUS_TEXT = [
  'ok', 'invalid argument', 'not a Mote blob (bad magic)', 'unsupported blob format version',
  'blob truncated', 'blob checksum mismatch', 'malformed blob', 'unsupported op', 'invalid op parameters',
  'arena too small', 'misaligned buffer', 'wrong tensor size or shape', 'not initialised', 'kernel error',
];

// The module's exports under their long names: the small module's short names mapped back.
function longExports(exports) {
  if ('mote_model_load' in exports) return exports;
  const named = { memory: exports.memory };
  SHORT_EXPORTS.forEach((name, k) => {
    const f = exports[k.toString(36)];
    if (f) named[name] = f;
  });
  return named;
}

// The smallest module using a SIMD128 instruction (i8x16.splat, i8x16.popcnt).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when this engine runs WebAssembly SIMD128. */
export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** An error from the runtime: `status` is the mote_status code, `statusText` its name. */
export class MoteError extends Error {
  constructor(message, status, statusText, detail) {
    super(message);
    this.name = 'MoteError';
    this.status = status;
    this.statusText = statusText;
    this.detail = detail;
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions && !!process.versions.node;

// A URL for a source string, or null for a Node file path. Relative URLs resolve against the
// page (or worker) location.
function toURL(source) {
  if (source instanceof URL) return source;
  try {
    return new URL(source);
  } catch {
    if (globalThis.location && globalThis.location.href) return new URL(source, globalThis.location.href);
    return null;
  }
}

async function fetchBytes(source) {
  const url = toURL(source);
  if (isNode && (!url || url.protocol === 'file:')) {
    const { readFile } = await import('node:fs/promises');
    return readFile(url || source);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Mote: cannot fetch ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

function asBytes(data, what) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`Mote: ${what} must be an ArrayBuffer or a typed array`);
}

export class Mote {
  /**
   * Instantiates the runtime. `source` is the module's bytes (ArrayBuffer, typed array), a
   * compiled WebAssembly.Module, the URL or (Node) path of a .wasm file, or a directory URL
   * holding mote.wasm and mote-simd.wasm, of which the one this engine runs is picked. Default:
   * the directory of this file. options.simd forces the choice for a directory.
   */
  static async load(source, options = {}) {
    const simd = options.simd ?? simdSupported();
    const ok = source === undefined || typeof source === 'string' || source instanceof URL || source instanceof ArrayBuffer ||
      ArrayBuffer.isView(source) || source instanceof WebAssembly.Module;
    if (!ok) throw new TypeError(`Mote.load: expected a URL, a path, the module's bytes or a WebAssembly.Module, not ${typeof source}`);
    if (source === undefined) source = new URL('./', import.meta.url);
    let module = source instanceof WebAssembly.Module ? source : null;
    let bytes = null;
    if (!module && (source instanceof ArrayBuffer || ArrayBuffer.isView(source))) bytes = asBytes(source, 'the module');
    if (!module && !bytes) {
      let where = String(source);
      if (!/\.wasm([?#].*)?$/.test(where)) {
        const base = toURL(source);
        const file = simd ? 'mote-simd.wasm' : 'mote.wasm';
        where = base ? new URL(file, base.href.endsWith('/') ? base : base.href + '/') : `${where.replace(/\/$/, '')}/${file}`;
      }
      bytes = new Uint8Array(await fetchBytes(where));
    }
    if (!module) module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, {});
    return new Runtime(instance, bytes ? bytes.byteLength : 0);
  }
}

/**
 * A runtime in a worker (a Web Worker in browsers, worker_threads in Node): the same calls,
 * each returning a promise, so a page's main thread never blocks on a run. `source` and
 * `options` as for Mote.load (resolved in the worker: URLs relative to mote.js's directory).
 */
Mote.worker = async function worker(source, options = {}) {
  const url = new URL('./mote-worker.js', import.meta.url);
  let w;
  let listen;
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    w = new Worker(url);
    listen = (fn) => w.on('message', fn);
  } else {
    w = new Worker(url, { type: 'module' });
    listen = (fn) => { w.onmessage = (event) => fn(event.data); };
  }
  const pending = new Map();
  let next = 1;
  listen(({ id, result, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (!p) return;
    if (!error) return p.resolve(result);
    const err = error.name === 'MoteError' ? new MoteError(error.message, error.status, error.statusText, error.detail) : new Error(error.message);
    p.reject(err);
  });
  const call = (op, args, transfer = []) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    w.postMessage({ id, op, args }, transfer);
  });
  const info = await call('load', { source: source instanceof URL ? source.href : source, options });
  return {
    ...info,
    /** Loads a blob in the worker (the bytes are copied there). */
    async loadModel(blob) {
      const bytes = asBytes(blob, 'the blob').slice();
      const m = await call('loadModel', { blob: bytes }, [bytes.buffer]);
      const model = m.id;
      const strip = (tensors) => Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.data]));
      return {
        inputs: m.inputs,
        outputs: m.outputs,
        arenaBytes: m.arenaBytes,
        run: async (feeds) => strip(await call('run', { model, feeds })),
        runTensors: (feeds) => call('run', { model, feeds }),
        resetState: () => call('resetState', { model }),
        tokenize: (text, options) => call('tokenize', { model, text, options }),
        dispose: () => call('dispose', { model }),
      };
    },
    /** Stops the worker; its models are gone. */
    terminate() {
      for (const p of pending.values()) p.reject(new Error('Mote worker: terminated'));
      pending.clear();
      return w.terminate();
    },
  };
};

class Runtime {
  constructor(instance, wasmBytes) {
    this.exports = longExports(instance.exports);
    this.memory = instance.exports.memory;
    if (this.exports._initialize) this.exports._initialize();
    this.infoBytes = this.exports.mote_wasm_tensor_info_bytes();
    if (this.infoBytes < TENSOR_INFO_MIN_BYTES) throw new Error('Mote: unexpected mote_tensor_info layout');
    /** Size of the .wasm module in bytes (0 when given a compiled module). */
    this.wasmBytes = wasmBytes;
    /** True when the module carries the SIMD128 kernels. */
    this.simd = this.exports.mote_wasm_simd() === 1;
    /** The optimised kernel set the module runs: "wasm_simd128" or "reference". */
    this.kernelSet = this.string(this.exports.mote_kernel_set());
    this.top = align(this.exports.mote_wasm_heap_base());
    this.free = []; // [address, bytes], sorted by address
  }

  /** Verifies and loads a blob (the bytes of a .mote file); throws MoteError when it is bad. */
  loadModel(blob) {
    return new Model(this, asBytes(blob, 'the blob'));
  }

  /** Verifies and opens a WordPiece vocabulary (a .motevocab file's bytes, `mote vocab`). */
  loadVocab(bytes) {
    if (!this.exports.mote_vocab_open) {
      const detail = 'this module was built without the tokenizer (wasm/build.sh model=: none of its models has a vocabulary)';
      throw new MoteError(`Mote: cannot open the vocabulary: invalid argument: ${detail}`, ERR_INVALID_ARGUMENT, 'invalid argument', detail);
    }
    return new Vocab(this, asBytes(bytes, 'the vocabulary'), 0);
  }

  /**
   * Fetches and loads a blob: `source` is a URL (or Node file path) or a fetch Response. The body
   * is read as a stream into one buffer of the announced size; options.onProgress(loaded, total)
   * is called per chunk (total 0 when the server does not say).
   */
  async fetchModel(source, options = {}) {
    let response = source;
    if (!(typeof Response !== 'undefined' && source instanceof Response)) {
      const url = toURL(source);
      if (isNode && (!url || url.protocol === 'file:')) return this.loadModel(await fetchBytes(source));
      response = await fetch(url);
    }
    if (!response.ok) throw new Error(`Mote: cannot fetch ${response.url}: HTTP ${response.status}`);
    const total = Number(response.headers.get('content-length')) || 0;
    if (!response.body) return this.loadModel(await response.arrayBuffer());
    let buf = new Uint8Array(total || 64 * 1024);
    let loaded = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.byteLength > buf.byteLength) {
        const bigger = new Uint8Array(Math.max(buf.byteLength * 2, loaded + value.byteLength));
        bigger.set(buf.subarray(0, loaded));
        buf = bigger;
      }
      buf.set(value, loaded);
      loaded += value.byteLength;
      if (options.onProgress) options.onProgress(loaded, total);
    }
    return this.loadModel(buf.subarray(0, loaded));
  }

  // First fit in the freed blocks, else the top, growing memory by whole pages.
  alloc(bytes) {
    bytes = align(Math.max(bytes, ALIGN));
    for (let k = 0; k < this.free.length; ++k) {
      const [at, size] = this.free[k];
      if (size < bytes) continue;
      if (size === bytes) this.free.splice(k, 1);
      else this.free[k] = [at + bytes, size - bytes];
      return at;
    }
    const at = this.top;
    const short = at + bytes - this.memory.buffer.byteLength;
    if (short > 0) this.memory.grow(Math.ceil(short / PAGE));
    this.top = at + bytes;
    return at;
  }

  release(at, bytes) {
    bytes = align(Math.max(bytes, ALIGN));
    const f = this.free;
    let k = 0;
    while (k < f.length && f[k][0] < at) ++k;
    f.splice(k, 0, [at, bytes]);
    if (k + 1 < f.length && f[k][0] + f[k][1] === f[k + 1][0]) f.splice(k, 2, [f[k][0], f[k][1] + f[k + 1][1]]);
    if (k > 0 && f[k - 1][0] + f[k - 1][1] === f[k][0]) f.splice(k - 1, 2, [f[k - 1][0], f[k - 1][1] + f[k][1]]);
    const last = f[f.length - 1];
    if (last && last[0] + last[1] === this.top) {
      this.top = last[0];
      f.pop();
    }
  }

  bytes(at, length) {
    return new Uint8Array(this.memory.buffer, at, length);
  }

  string(at) {
    const heap = new Uint8Array(this.memory.buffer);
    let end = at;
    while (heap[end]) ++end;
    return new TextDecoder().decode(heap.subarray(at, end));
  }

  /** The name of a mote_status (mote_status_str; the glue's own table where the module has none). */
  statusText(status) {
    if (this.exports.mote_status_str) return this.string(this.exports.mote_status_str(status));
    return STATUS_TEXT[status] ?? 'unknown status';
  }

  // The detail is the runtime's text; mote.wasm is built without detail text (wasm/build.sh),
  // and there `fallback`, the glue's own wording where it knows as much, takes its place.
  error(what, status, detailPtr, fallback = '') {
    const statusText = this.statusText(status);
    const detail = (detailPtr ? this.string(detailPtr) : '') || fallback;
    return new MoteError(`Mote: ${what}: ${statusText}${detail ? `: ${detail}` : ''}`, status, statusText, detail);
  }
}

function align(n) {
  return Math.ceil(n / ALIGN) * ALIGN;
}

class Model {
  constructor(rt, blob) {
    this.rt = rt;
    const e = rt.exports;
    this.allocations = [];
    const place = (bytes) => {
      const at = rt.alloc(bytes);
      this.allocations.push([at, bytes]);
      return at;
    };
    try {
      const blobAt = place(blob.byteLength);
      rt.bytes(blobAt, blob.byteLength).set(blob);
      this.model = place(e.mote_wasm_model_bytes());
      const status = e.mote_model_load(this.model, blobAt, blob.byteLength);
      if (status !== 0) throw rt.error('cannot load the model', status, e.mote_model_error(this.model));
      const info = place(rt.infoBytes);
      const describe = (count, get) => {
        const list = [];
        for (let i = 0; i < count; ++i) {
          const st = get(this.model, i, info);
          if (st !== 0) throw rt.error('cannot describe the model', st, 0);
          const v = new DataView(rt.memory.buffer, info, rt.infoBytes);
          const rank = v.getInt32(8, true);
          const shape = [];
          for (let d = 0; d < rank; ++d) shape.push(v.getInt32(12 + 4 * d, true));
          const code = v.getInt32(4, true);
          const t = { name: rt.string(v.getUint32(0, true)), shape, dtype: DTYPES[code] ? DTYPES[code][0] : `dtype ${code}` };
          if (rt.infoBytes >= 56 && v.getFloat32(48, true) !== 0) {
            t.scale = v.getFloat32(48, true);
            t.zeroPoint = v.getInt32(52, true);
          }
          if (rt.infoBytes >= 60 && v.getInt32(56, true) !== 0) t.state = true;
          list.push({ ...t, bytes: v.getUint32(44, true), code });
        }
        return list;
      };
      const inputs = describe(e.mote_model_num_inputs(this.model), e.mote_model_input_info);
      const outputs = describe(e.mote_model_num_outputs(this.model), e.mote_model_output_info);
      const pub = ({ bytes, code, ...t }) => t; // the public fields
      this.inputs = inputs.map(pub);
      this.outputs = outputs.map(pub);
      this.io = { inputs, outputs };
      this.arenaBytes = e.mote_model_arena_bytes(this.model);
      const arena = place(this.arenaBytes);
      this.session = place(e.mote_wasm_session_bytes());
      const st = e.mote_session_init(this.session, this.model, arena, this.arenaBytes);
      if (st !== 0) throw rt.error('cannot start a session', st, e.mote_session_error(this.session));
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /**
   * Runs the model. `feeds` maps every input name to a typed array of its dtype (or a plain
   * array of numbers) with exactly the input's element count. A state input (`state: true`,
   * from `mote convert --carry`) may be left out: it keeps what the last run carried into it
   * (zeros in a new model, or after resetState()). Returns a fresh typed array per output, by
   * name.
   */
  run(feeds) {
    this.place(feeds);
    const e = this.rt.exports;
    const st = e.mote_session_run(this.session);
    if (st !== 0) throw this.rt.error('run', st, e.mote_session_error(this.session));
    return this.read();
  }

  /**
   * Times the model op by op: `options.iters` runs (default 10, after one untimed run) on
   * `feeds` (as for run()), each op timed alone with performance.now(). Returns the mean
   * milliseconds per run of every op (in run order: index, type, node name, ms) and per op type
   * (slowest first, with the op count and the share of the total), and the total.
   */
  profile(feeds, options = {}) {
    const iters = options.iters ?? 10;
    if (!Number.isInteger(iters) || iters < 1) throw this.fail(ERR_INVALID_ARGUMENT, `iters must be a whole number > 0, not ${iters}`);
    const { rt } = this;
    const e = rt.exports;
    this.place(feeds);
    const count = e.mote_model_num_ops(this.model);
    const ops = [];
    for (let k = 0; k < count; ++k) {
      const type = rt.string(e.mote_model_op_type(this.model, k)) || `op ${e.mote_model_op_code(this.model, k)}`;
      ops.push({ index: k, type, name: rt.string(e.mote_model_op_name(this.model, k)), ms: 0 });
    }
    const now = globalThis.performance ? () => performance.now() : () => Date.now();
    for (let it = 0; it <= iters; ++it) {
      if (it > 0) this.place(feeds); // ops may reuse the inputs' bytes: each run starts afresh
      for (let k = 0; k < count; ++k) {
        const t0 = now();
        const st = e.mote_session_run_ops(this.session, k, k + 1);
        const t1 = now();
        if (st !== 0) throw rt.error('profile', st, e.mote_session_error(this.session));
        if (it > 0) ops[k].ms += t1 - t0;
      }
    }
    let totalMs = 0;
    const types = new Map();
    for (const op of ops) {
      op.ms /= iters;
      totalMs += op.ms;
      const t = types.get(op.type) || { type: op.type, ms: 0, count: 0, share: 0 };
      t.ms += op.ms;
      t.count += 1;
      types.set(op.type, t);
    }
    const byType = [...types.values()].sort((a, b) => b.ms - a.ms);
    for (const t of byType) t.share = totalMs > 0 ? t.ms / totalMs : 0;
    return { iters, totalMs, ops, types: byType };
  }

  // Checks the feeds and copies them into the session's inputs.
  place(feeds) {
    const { rt } = this;
    if (!this.session) throw this.fail(12, 'the model was disposed');
    const e = rt.exports;
    const known = this.io.inputs.map((t) => t.name);
    for (const name of Object.keys(feeds)) {
      if (!known.includes(name)) {
        throw this.fail(ERR_INVALID_ARGUMENT, `unknown input '${name}'; the model's inputs are: ${known.join(', ')}`);
      }
    }
    this.io.inputs.forEach((t, i) => {
      let data = feeds[t.name];
      if (data === undefined && t.state) return;
      if (data === undefined) throw this.fail(ERR_INVALID_ARGUMENT, `input '${t.name}' is missing`);
      const Type = DTYPES[t.code] ? DTYPES[t.code][1] : Uint8Array;
      if (Array.isArray(data)) data = Type.from(data);
      if (!(data instanceof Type)) {
        const got = data && data.constructor ? data.constructor.name : typeof data;
        throw this.fail(ERR_SHAPE, `input '${t.name}' is ${t.dtype}: pass a ${Type.name}, not ${got}`);
      }
      const at = e.mote_session_input_data(this.session, i) >>> 0;
      if (data.byteLength !== t.bytes) {
        // Let the runtime judge the size, so the message is the runtime's own.
        const st = e.mote_session_set_input ? e.mote_session_set_input(this.session, i, at, data.byteLength) : 0;
        const shape = `${t.dtype}[${t.shape.join(',')}]`;
        throw rt.error('run', st || ERR_SHAPE, e.mote_session_error(this.session),
          `input '${t.name}' is ${shape} = ${t.bytes} bytes; got ${data.byteLength}`);
      }
      rt.bytes(at, t.bytes).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
  }

  // A fresh copy of every output, by name.
  read() {
    const { rt } = this;
    const e = rt.exports;
    const results = {};
    this.io.outputs.forEach((t, i) => {
      const at = e.mote_session_output_data(this.session, i) >>> 0;
      const Type = DTYPES[t.code] ? DTYPES[t.code][1] : Uint8Array;
      results[t.name] = new Type(rt.memory.buffer.slice(at, at + t.bytes));
    });
    return results;
  }

  /**
   * Runs the model as run() does, with tensors: each feed may be a typed array or a
   * { data, dims } object (dims, when given, must equal the input's shape); returns
   * { data, dims, dtype } per output, by name.
   */
  runTensors(feeds) {
    const plain = {};
    for (const [name, value] of Object.entries(feeds)) {
      if (value && !ArrayBuffer.isView(value) && !Array.isArray(value) && 'data' in value) {
        const t = this.io.inputs.find((i) => i.name === name);
        if (t && value.dims && value.dims.join(',') !== t.shape.join(',')) {
          throw this.fail(ERR_SHAPE, `input '${name}' has dims [${t.shape.join(',')}], not [${value.dims.join(',')}]`);
        }
        plain[name] = value.data;
      } else {
        plain[name] = value;
      }
    }
    const results = this.run(plain);
    const tensors = {};
    for (const t of this.outputs) tensors[t.name] = { data: results[t.name], dims: t.shape.slice(), dtype: t.dtype };
    return tensors;
  }

  /**
   * The WordPiece vocabulary the blob carries (`mote convert --vocab`), or null when it has none.
   * It lives as long as the model.
   */
  get vocab() {
    if (this.vocabObject === undefined) {
      if (!this.session) throw this.fail(12, 'the model was disposed');
      this.vocabObject = Vocab.ofModel(this);
    }
    return this.vocabObject;
  }

  /** Tokenizes text with the blob's vocabulary: see Vocab.tokenize. */
  tokenize(text, options) {
    const vocab = this.vocab;
    if (!vocab) throw this.fail(ERR_INVALID_ARGUMENT, 'the model has no vocabulary (mote convert --vocab)');
    return vocab.tokenize(text, options);
  }

  /** Zeroes the state inputs (`mote convert --carry`): the next run starts a new stream. */
  resetState() {
    if (!this.session) throw this.fail(12, 'the model was disposed');
    const st = this.rt.exports.mote_session_reset_state(this.session);
    if (st !== 0) throw this.rt.error('resetState', st, this.rt.exports.mote_session_error(this.session));
  }

  fail(status, detail) {
    const statusText = this.rt.statusText(status);
    return new MoteError(`Mote: run: ${statusText}: ${detail}`, status, statusText, detail);
  }

  /** Returns the model's memory (blob copy, arena) to the runtime. The model is unusable after. */
  dispose() {
    if (this.vocabObject) this.vocabObject.dispose();
    this.vocabObject = null;
    for (const [at, bytes] of this.allocations.reverse()) this.rt.release(at, bytes);
    this.allocations = [];
    this.session = 0;
  }
}

const TOKEN_NAMES = ['unk', 'cls', 'sep', 'pad', 'mask'];

/** A verified WordPiece vocabulary in the module's memory (docs/text.md). */
class Vocab {
  // bytes: a .motevocab to copy in; or null with `model` to open the model's VOCAB section.
  constructor(rt, bytes, model) {
    this.rt = rt;
    const e = rt.exports;
    this.allocations = [];
    const place = (n) => {
      const at = rt.alloc(n);
      this.allocations.push([at, n]);
      return at;
    };
    try {
      this.vocab = place(e.mote_wasm_vocab_bytes());
      let st;
      if (bytes) {
        const at = place(bytes.byteLength);
        rt.bytes(at, bytes.byteLength).set(bytes);
        st = e.mote_vocab_open(this.vocab, at, bytes.byteLength);
      } else {
        st = e.mote_model_vocab(model, this.vocab);
      }
      if (st !== 0) throw rt.error('cannot open the vocabulary', st, e.mote_vocab_error(this.vocab));
      /** Token ids are [0, size). */
      this.size = e.mote_vocab_size(this.vocab);
      /** The default sequence length. */
      this.maxLength = e.mote_vocab_max_length(this.vocab);
      this.lowerCase = e.mote_vocab_lower_case(this.vocab) === 1;
      this.stripAccents = e.mote_vocab_strip_accents(this.vocab) === 1;
      /** The special tokens' ids ({ unk, cls, sep, pad, mask }; mask -1 when absent). */
      this.special = {};
      TOKEN_NAMES.forEach((name, k) => { this.special[name] = e.mote_vocab_special(this.vocab, k); });
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  static ofModel(model) {
    if (!model.rt.exports.mote_model_vocab) return null;
    const probe = model.rt.alloc(model.rt.exports.mote_wasm_vocab_bytes());
    const has = model.rt.exports.mote_model_vocab(model.model, probe) === 0;
    model.rt.release(probe, model.rt.exports.mote_wasm_vocab_bytes());
    return has ? new Vocab(model.rt, null, model.model) : null;
  }

  /**
   * Tokenizes `text` (a string, or UTF-8 bytes as a Uint8Array; invalid bytes are dropped as
   * U+FFFD is) into [CLS] pieces [SEP], padded with [PAD] to the max length. options.maxLength
   * (default: the vocabulary's), options.padding (default true), options.specialTokens (default
   * true). Returns { ids, attentionMask, tokenTypeIds } (Int32Array each), count (tokens with
   * mask 1) and needed (the tokens of the untruncated text; > count when it was truncated).
   */
  tokenize(text, options = {}) {
    if (!this.vocab) throw new MoteError('Mote: tokenize: not ready: the vocabulary was disposed', 12, 'not ready', 'the vocabulary was disposed');
    const { rt } = this;
    const e = rt.exports;
    let bytes;
    if (typeof text === 'string') bytes = new TextEncoder().encode(text);
    else if (text instanceof Uint8Array) bytes = text;
    else throw new TypeError('Mote: tokenize: text must be a string or a Uint8Array');
    const length = options.maxLength || this.maxLength;
    if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new TypeError('Mote: tokenize: maxLength must be a whole number');
    const flags = (options.padding === false ? 1 : 0) | (options.specialTokens === false ? 2 : 0);
    const n = Math.max(length, 1);
    const size = bytes.byteLength + 12 * n + 8;
    const at = rt.alloc(size);
    try {
      const textAt = at + 12 * n + 8;
      rt.bytes(textAt, bytes.byteLength).set(bytes);
      const st = e.mote_vocab_tokenize(this.vocab, textAt, bytes.byteLength, length, flags, at, at + 4 * n, at + 8 * n, n,
        at + 12 * n, at + 12 * n + 4);
      if (st !== 0) throw rt.error('tokenize', st, e.mote_vocab_error(this.vocab));
      const v = new DataView(rt.memory.buffer);
      const count = v.getUint32(at + 12 * n, true);
      const needed = v.getUint32(at + 12 * n + 4, true);
      const written = flags & 1 ? count : length;
      const take = (k) => new Int32Array(rt.memory.buffer.slice(at + 4 * k * n, at + 4 * k * n + 4 * written));
      return { ids: take(0), attentionMask: take(1), tokenTypeIds: take(2), count, needed };
    } finally {
      rt.release(at, size);
    }
  }

  /** The text of token `id` (a string; undefined for an id out of range). */
  token(id) {
    const e = this.rt.exports;
    const lenAt = this.rt.alloc(4);
    try {
      const at = e.mote_vocab_token(this.vocab, id >>> 0, lenAt);
      if (!at) return undefined;
      const n = new DataView(this.rt.memory.buffer).getUint32(lenAt, true);
      return new TextDecoder().decode(this.rt.bytes(at, n));
    } finally {
      this.rt.release(lenAt, 4);
    }
  }

  /** The id of a token's exact text, or -1. */
  find(token) {
    const bytes = new TextEncoder().encode(token);
    const at = this.rt.alloc(bytes.byteLength);
    try {
      this.rt.bytes(at, bytes.byteLength).set(bytes);
      return this.rt.exports.mote_vocab_find(this.vocab, at, bytes.byteLength);
    } finally {
      this.rt.release(at, bytes.byteLength);
    }
  }

  /** Returns the vocabulary's memory to the runtime. */
  dispose() {
    for (const [at, bytes] of this.allocations.reverse()) this.rt.release(at, bytes);
    this.allocations = [];
    this.vocab = 0;
  }
}
