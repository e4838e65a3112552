// Runs an ONNX model on onnxruntime-node, the reference Mote's model tests and benchmarks
// compare against.
//
//   node ort_run.mjs MODEL.onnx INPUT.npy OUTPUT.npy          run once, write the first output
//   node ort_run.mjs MODEL.onnx INPUT.npy --bench N [--warmup W]
//                                                            time N runs after W untimed ones
//                                                            (default 2) and print
//                                                            {"median_ms":..,"min_ms":..,"iters":N}
//
//   node ort_run.mjs MODEL.onnx INPUT.npy OUTPUT.npy --rows  one run per row of INPUT.npy (axis 0,
//                                                            each row fed as the model's [1, ...]
//                                                            input), the outputs stacked
//
// INPUT.npy feeds the model's first input; `--input NAME=FILE.npy` (repeatable) feeds others. onnxruntime runs on one thread (intra- and inter-op)
// so that its timings compare with Mote's single-threaded runtime. Inputs are float32, int64 or
// int32 .npy files (token ids); outputs are written as float32.
//
// onnxruntime-node is resolved from tests/node_modules (`cd tests && npm ci --ignore-scripts`).

import { readFileSync, writeFileSync } from 'node:fs';

import ort from 'onnxruntime-node';

const NPY_MAGIC = '\x93NUMPY';

function fail(message) {
  process.stderr.write(`ort_run: ${message}\n`);
  process.exit(1);
}

// Parses a .npy file into {shape, type, data}: little-endian float32 (Float32Array), int64
// (BigInt64Array) or int32 (Int32Array) in C order; anything else is refused rather than
// silently reinterpreted.
function readNpy(path) {
  const buf = readFileSync(path);
  if (buf.subarray(0, 6).toString('latin1') !== NPY_MAGIC) fail(`${path}: not a .npy file`);
  const major = buf[6];
  let headerLen;
  let offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    fail(`${path}: unsupported .npy version ${major}`);
  }
  const header = buf.subarray(offset, offset + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) fail(`${path}: malformed .npy header: ${header}`);
  const types = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array] };
  if (!(descr[1] in types)) fail(`${path}: dtype ${descr[1]} is not float32, int64 or int32`);
  const [type, Array] = types[descr[1]];
  if (fortran[1] === 'True') fail(`${path}: Fortran-ordered arrays are not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  const bytes = count * Array.BYTES_PER_ELEMENT;
  if (buf.length - start < bytes) fail(`${path}: truncated data`);
  // Copy so the array is aligned regardless of where the header ended.
  const data = new Array(count);
  new Uint8Array(data.buffer).set(buf.subarray(start, start + bytes));
  return { shape: dims, type, data };
}

// Writes a float32 .npy (format 1.0); the header is padded so the data starts 64-byte aligned,
// as numpy itself does.
function writeNpy(path, shape, data) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write(NPY_MAGIC, 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const f32 = Float32Array.from(data);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'),
    Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength)]));
}

function parseArgs(argv) {
  const positional = [];
  const opts = { inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--input') {
      if (i + 1 >= argv.length || !argv[i + 1].includes('=')) fail('--input needs NAME=FILE.npy');
      const value = argv[++i];
      opts.inputs.push([value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)]);
    } else if (arg === '--rows') {
      opts.rows = true;
    } else if (arg === '--bench' || arg === '--warmup') {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) fail(`${arg} needs a non-negative integer`);
      opts[arg.slice(2)] = n;
    } else if (arg.startsWith('--')) {
      fail(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return { positional, opts };
}

async function main() {
  const { positional, opts } = parseArgs(process.argv.slice(2));
  const bench = opts.bench !== undefined;
  if (positional.length !== (bench ? 2 : 3)) {
    fail('usage: ort_run.mjs MODEL.onnx INPUT.npy (OUTPUT.npy | --bench N [--warmup W])');
  }
  const [modelPath, inputPath, outputPath] = positional;
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const input = readNpy(inputPath);
  const feeds = { [session.inputNames[0]]: new ort.Tensor(input.type, input.data, input.shape) };
  for (const [name, path] of opts.inputs) {
    const t = readNpy(path);
    feeds[name] = new ort.Tensor(t.type, t.data, t.shape);
  }

  if (opts.rows) {
    if (bench) fail('--rows does not go with --bench');
    const rows = input.shape[0];
    const row = input.data.length / Math.max(rows, 1);
    const outs = [];
    let dims = [];
    for (let r = 0; r < rows; r++) {
      feeds[session.inputNames[0]] = new ort.Tensor(input.type, input.data.slice(r * row, (r + 1) * row),
        [1, ...input.shape.slice(1)]);
      const out = (await session.run(feeds))[session.outputNames[0]];
      if (out.type !== 'float32') fail(`output ${session.outputNames[0]} is ${out.type}, not float32`);
      dims = out.dims;
      outs.push(...out.data);
    }
    writeNpy(outputPath, [rows, ...dims], outs);
    return;
  }

  if (!bench) {
    const results = await session.run(feeds);
    const out = results[session.outputNames[0]];
    if (out.type !== 'float32') fail(`output ${session.outputNames[0]} is ${out.type}, not float32`);
    writeNpy(outputPath, out.dims, out.data);
    return;
  }

  const iters = Math.max(1, opts.bench);
  const warmup = opts.warmup ?? 2;
  const times = [];
  for (let it = 0; it < warmup + iters; it++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    const t1 = process.hrtime.bigint();
    if (it >= warmup) times.push(Number(t1 - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  // Same median convention as `mote bench` (upper middle element) so the two compare.
  const median = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ median_ms: +median.toFixed(4), min_ms: +times[0].toFixed(4), iters }));
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
