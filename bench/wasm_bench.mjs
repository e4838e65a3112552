// Times Mote's WebAssembly runtime (mote-simd.wasm through wasm/mote.js) against
// onnxruntime-web (its WASM backend: one thread, SIMD) in Node, on the same models and inputs,
// in one process, and prints a markdown table.
//
//   node bench/wasm_bench.mjs --mote MOTE_BIN --wasm WASM_DIR [--models DIR] [--iters N] [--work DIR] [--int8 yes]
//                             [--only NAME,...] [--repeat K]
//
//   --mote    the host `mote` CLI, to convert the models (float blobs with `--target wasm`, as a
//             page would ship them: 3x3 stride-1 Convs as ConvWinograd; int8 ones for every target)
//   --wasm    the directory wasm/build.sh wrote (mote-simd.wasm)
//   --models  also the torchvision models: DIR/<name>.onnx and DIR/input.npy, exported there by
//             tests/models/export_models.py when missing (slow the first time, then cached)
//   --iters   timed runs per model and engine (default 20), after 2 untimed ones
//   --work    where converted blobs go (default WASM_DIR/bench)
//   --int8    also each model quantized by Mote (--quantize int8, calibrated on
//             models/digits_calib.npy for digits and on DIR/calib.npy, four seeded random
//             inputs, for the others), timed in the same alternation; its output is compared
//             with onnxruntime-web's float one as SQNR (random weights: a figure, not a mark)
//   --only    just these models (comma-separated names)
//   --repeat  rounds of the alternation per model (default 1); the median is the best of the
//             rounds' medians, so a burst of load from other work spoils a round, not the figure
//   --profile N  also each Mote model op by op (N runs after the timed ones, each op's smallest time),
//             printed after the table: per op type, and with --int8 the int8 ops next to the
//             float ones of the same graph node (by node name), the int8 ones that cost the
//             most over their float counterparts first (with --profile the bench runs under
//             node --no-liftoff, so that an op called a few times is timed in optimised code)
//   --top N   with --profile, also the N slowest ops of each model (index, type, node name, ms)
//
// Both engines get the same float32 input and run one at a time, alternating run by run; the
// figures are the median and the minimum (on a shared machine the minimum is the cleaner one). The next column compares the two engines' first outputs:
// max |Mote - ort| / max |ort|. The last one is the ratio of the median CPU time of a run
// (process.cpuUsage: both engines run on this thread), which time slices given to other work
// on a loaded machine do not inflate: a 5 ms op preempted once reads 9 ms on the clock.
// onnxruntime-web comes from tests/wasm/node_modules (cd tests/wasm && npm ci --ignore-scripts).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Mote } from '../wasm/mote.js';
import { readNpy } from '../tests/wasm/npy.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = {};
for (let k = 2; k < process.argv.length; k += 2) args[process.argv[k].replace(/^--/, '')] = process.argv[k + 1];
if (!args.mote || !args.wasm) {
  console.error(
    'usage: node bench/wasm_bench.mjs --mote MOTE_BIN --wasm WASM_DIR [--models DIR] [--iters N] [--work DIR] [--int8 yes] [--only NAME,...] [--repeat K] [--profile N [--top N]]',
  );
  process.exit(2);
}
const iters = Number(args.iters || 20);
const repeat = Number(args.repeat || 1);
const profileIters = Number(args.profile || 0);
const topOps = Number(args.top || 0);
for (const [flag, v] of [['--iters', iters], ['--repeat', repeat], ['--profile', profileIters + 1]]) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`wasm_bench: ${flag} takes a whole number > 0 (got '${args[flag.slice(2)]}')`);
    process.exit(2);
  }
}
// Op-by-op times need the optimised code from the first call: V8's baseline compiler (Liftoff)
// runs an op called a few times per model twice as slow until it is tiered up, so --profile runs
// the bench again under --no-liftoff (the table's runs too; both engines alike).
if (profileIters > 0 && !process.execArgv.includes('--no-liftoff')) {
  const run = spawnSync(process.execPath, ['--no-liftoff', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
const loadAtStart = loadavg()[0];
const work = args.work || join(args.wasm, 'bench');
mkdirSync(work, { recursive: true });

const ortPath = join(root, 'tests/wasm/node_modules/onnxruntime-web/dist/ort.node.min.mjs');
if (!existsSync(ortPath)) {
  console.error('onnxruntime-web is missing: cd tests/wasm && npm ci --ignore-scripts');
  process.exit(1);
}
const ort = await import(pathToFileURL(ortPath).href);
ort.env.wasm.numThreads = 1;
ort.env.wasm.simd = true;
ort.env.wasm.wasmPaths = pathToFileURL(join(root, 'tests/wasm/node_modules/onnxruntime-web/dist/')).href;

// The models: digits always; the torchvision ones when asked for.
const models = [
  {
    name: 'digits',
    onnx: join(root, 'models/digits.onnx'),
    input: join(root, 'models/digits_sample.npy'),
    calib: join(root, 'models/digits_calib.npy'),
    shape: null,
  },
];
if (args.models) {
  const exporter = join(root, 'tests/models/export_models.py');
  if (existsSync(exporter)) {
    const names = execFileSync('/usr/bin/python3', [exporter, '--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    console.error(`exporting into ${args.models} (cached after the first time): ${names.join(', ')}`);
    execFileSync('/usr/bin/python3', [exporter, args.models], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const name of names) {
      const calib = join(args.models, 'calib.npy');
      models.push({ name, onnx: join(args.models, `${name}.onnx`), input: join(args.models, 'input.npy'), calib, shape: '1x3x224x224' });
    }
  } else {
    console.error('tests/models/export_models.py not found: digits only');
  }
  const calib = join(args.models, 'calib.npy');
  if (args.int8 && models.length > 1 && !existsSync(calib)) {
    // As tests/models/run_model_tests.sh makes it: four seeded standard-normal inputs.
    execFileSync('/usr/bin/python3', ['-c',
      `import numpy as np; np.save('${calib}', np.random.RandomState(1).standard_normal((4, 3, 224, 224)).astype(np.float32))`]);
  }
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0] };
}

// Times the engines on the same model, alternating run by run so that all see the same
// machine (a busy machine slows them alike instead of whichever ran during the busy spell).
// With --repeat, several such rounds: the best round's median and the smallest time of all.
async function timeAll(fns) {
  for (let k = 0; k < 2; ++k) {
    for (const fn of fns) if (fn) await fn();
  }
  const best = fns.map(() => ({ median: Infinity, min: Infinity, cpu: Infinity }));
  for (let round = 0; round < repeat; ++round) {
    const times = fns.map(() => []);
    const cpu = fns.map(() => []);
    for (let k = 0; k < iters; ++k) {
      for (let e = 0; e < fns.length; ++e) {
        if (!fns[e]) continue;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fns[e]();
        times[e].push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu[e].push((c.user + c.system) / 1000);
      }
    }
    fns.forEach((fn, e) => {
      if (!fn) return;
      const r = stats(times[e]);
      best[e] = { median: Math.min(best[e].median, r.median), min: Math.min(best[e].min, r.min), cpu: Math.min(best[e].cpu, stats(cpu[e]).median) };
    });
  }
  return fns.map((fn, e) => (fn ? best[e] : { median: NaN, min: NaN, cpu: NaN }));
}

// --profile: each op's smallest time over the runs (as model.profile() times them, op by op),
// the float and int8 models' runs interleaved by the caller's order; the smallest, not the mean:
// on a loaded machine one time slice given to other work is several ms, longer than most ops.
function profileOps(model, data) {
  const e = rt.exports;
  const feeds = { [model.inputs[0].name]: data };
  const count = e.mote_model_num_ops(model.model);
  const ops = [];
  for (let k = 0; k < count; ++k) {
    const type = rt.string(e.mote_model_op_type(model.model, k)) || `op ${e.mote_model_op_code(model.model, k)}`;
    ops.push({ index: k, type, name: rt.string(e.mote_model_op_name(model.model, k)), ms: Infinity });
  }
  for (let it = 0; it <= profileIters; ++it) {
    model.place(feeds);
    for (let k = 0; k < count; ++k) {
      const t0 = performance.now();
      const st = e.mote_session_run_ops(model.session, k, k + 1);
      const t1 = performance.now();
      if (st !== 0) throw new Error(`profile: op ${k} failed (${st})`);
      if (it > 0) ops[k].ms = Math.min(ops[k].ms, t1 - t0);
    }
  }
  const types = new Map();
  let totalMs = 0;
  for (const op of ops) {
    totalMs += op.ms;
    const t = types.get(op.type) || { type: op.type, ms: 0, count: 0 };
    t.ms += op.ms;
    t.count += 1;
    types.set(op.type, t);
  }
  return { totalMs, ops, types: [...types.values()].sort((a, b) => b.ms - a.ms) };
}

const rt = await Mote.load(args.wasm, { simd: true });
const rows = [];
const only = args.only ? args.only.split(',') : null;
for (const m of models.filter((x) => !only || only.includes(x.name))) {
  console.error(`bench: ${m.name}`);
  const none = { median: NaN, min: NaN, cpu: NaN };
  const row = { name: m.name, mote: none, ort: none, int8: none, diff: NaN, sqnr: NaN, note: '', profile: null, profile8: null };
  const input = readNpy(m.input);
  let moteRun = null;
  let ortRun = null;
  let int8Run = null;
  let model = null;
  let model8 = null;
  let session = null;
  try {
    const blob = join(work, `${m.name}.mote`);
    const convert = [m.onnx, '-o', blob, '--target', 'wasm', ...(m.shape ? ['--shape', `input=${m.shape}`] : [])];
    execFileSync(args.mote, ['convert', ...convert], { stdio: ['ignore', 'ignore', 'pipe'] });
    model = rt.loadModel(readFileSync(blob));
    const feeds = { [model.inputs[0].name]: input.data };
    moteRun = () => model.run(feeds);
  } catch (err) {
    row.note += `mote: ${String(err.stderr || err.message).trim().split('\n').pop()} `;
  }
  if (args.int8) {
    try {
      const blob = join(work, `${m.name}.int8.mote`);
      const convert = [m.onnx, '-o', blob, '--quantize', 'int8', '--calib', m.calib, ...(m.shape ? ['--shape', `input=${m.shape}`] : [])];
      execFileSync(args.mote, ['convert', ...convert], { stdio: ['ignore', 'ignore', 'pipe'] });
      model8 = rt.loadModel(readFileSync(blob));
      const feeds = { [model8.inputs[0].name]: input.data };
      int8Run = () => model8.run(feeds);
    } catch (err) {
      row.note += `mote int8: ${String(err.stderr || err.message).trim().split('\n').pop()} `;
    }
  }
  try {
    session = await ort.InferenceSession.create(m.onnx, { executionProviders: ['wasm'], intraOpNumThreads: 1, interOpNumThreads: 1 });
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape) };
    ortRun = () => session.run(feeds);
  } catch (err) {
    row.note += `onnxruntime-web: ${err.message}`;
  }
  [row.mote, row.ort, row.int8] = await timeAll(args.int8 ? [moteRun, ortRun, int8Run] : [moteRun, ortRun]);
  const ortOut = ortRun ? (await ortRun())[session.outputNames[0]].data : null;
  if (int8Run && ortOut) {
    const out8 = Object.values(int8Run())[0];
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < ortOut.length; ++i) {
      signal += ortOut[i] * ortOut[i];
      noise += (out8[i] - ortOut[i]) ** 2;
    }
    row.sqnr = 10 * Math.log10(signal / (noise || 1e-30));
  }
  if (moteRun && ortOut) {
    const moteOut = Object.values(moteRun())[0];
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < ortOut.length; ++i) {
      worst = Math.max(worst, Math.abs(moteOut[i] - ortOut[i]));
      scale = Math.max(scale, Math.abs(ortOut[i]));
    }
    row.diff = worst / (scale || 1);
  }
  if (profileIters && model) row.profile = profileOps(model, input.data);
  if (profileIters && model8) row.profile8 = profileOps(model8, input.data);
  if (model) model.dispose();
  if (model8) model8.dispose();
  if (session) await session.release();
  rows.push(row);
}

const fmt = (v) => (Number.isFinite(v) ? (v < 1 ? v.toFixed(3) : v.toFixed(2)) : '-');
console.log(`Mote (mote-simd.wasm, ${rt.wasmBytes} bytes) vs onnxruntime-web ${ort.env.versions?.web || ''} (wasm, 1 thread, SIMD), Node ${process.versions.node}`);
console.log(
  `${cpus()[0]?.model || 'cpu'}; load ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end; ` +
    `${repeat > 1 ? `best median of ${repeat} rounds of ` : ''}${iters} runs each, alternating engines, after 2 warm-up runs\n`,
);
const int8 = !!args.int8;
console.log(
  '| model | Mote ms (median / min) | onnxruntime-web ms (median / min) | Mote / ort-web (median / min) | max abs diff / max abs |' +
    (int8 ? ' Mote int8 ms (median / min) | int8 / ort-web (median / min) | int8 SQNR vs float (dB) |' : '') +
    ' CPU ms Mote / ort-web (median): ratio |',
);
console.log(`|---|---:|---:|---:|---:|${int8 ? '---:|---:|---:|' : ''}---:|`);
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : '-');
for (const r of rows) {
  const diff = Number.isFinite(r.diff) ? r.diff.toExponential(1) : '-';
  const q = int8
    ? ` ${fmt(r.int8.median)} / ${fmt(r.int8.min)} | ${ratio(r.int8.median, r.ort.median)} / ${ratio(r.int8.min, r.ort.min)} | ` +
      `${Number.isFinite(r.sqnr) ? r.sqnr.toFixed(1) : '-'} |`
    : '';
  console.log(
    `| ${r.name} | ${fmt(r.mote.median)} / ${fmt(r.mote.min)} | ${fmt(r.ort.median)} / ${fmt(r.ort.min)} | ` +
      `${ratio(r.mote.median, r.ort.median)} / ${ratio(r.mote.min, r.ort.min)} | ${diff} |${q}` +
      ` ${fmt(r.mote.cpu)} / ${fmt(r.ort.cpu)}: ${ratio(r.mote.cpu, r.ort.cpu)} |${r.note ? ` ${r.note.trim()}` : ''}`,
  );
}

// --profile: per op type, and the int8 ops against the float ones of the same node.
for (const r of rows.filter((x) => x.profile || x.profile8)) {
  const ms = (v) => (Number.isFinite(v) ? v.toFixed(3) : '-');
  console.log(`\n${r.name}: per op type, ms (the smallest of ${profileIters} runs op by op, summed)`);
  for (const [label, p] of [['float', r.profile], ['int8', r.profile8]]) {
    if (!p) continue;
    console.log(`  ${label} ${ms(p.totalMs)}: ` + p.types.map((t) => `${t.type} x${t.count} ${ms(t.ms)}`).join(', '));
    if (topOps > 0) {
      const top = [...p.ops].sort((a, b) => b.ms - a.ms).slice(0, topOps);
      console.log(`  ${label} top ${top.length} ops: ` + top.map((op) => `#${op.index} ${op.type} ${op.name || '?'} ${ms(op.ms)}`).join(', '));
    }
  }
  if (!r.profile || !r.profile8) continue;
  // int8 ops by the float node they came from: the converter keeps node names (a Requantize
  // or QuantizeLinear it adds has its own, and counts as extra).
  const byName = new Map();
  for (const op of r.profile.ops) {
    const e = byName.get(op.name) || { name: op.name, f: 0, q: 0, ft: new Set(), qt: new Set() };
    e.f += op.ms;
    e.ft.add(op.type);
    byName.set(op.name, e);
  }
  for (const op of r.profile8.ops) {
    const e = byName.get(op.name) || { name: op.name, f: 0, q: 0, ft: new Set(), qt: new Set() };
    e.q += op.ms;
    e.qt.add(op.type);
    byName.set(op.name, e);
  }
  const worst = [...byName.values()].sort((a, b) => b.q - b.f - (a.q - a.f)).slice(0, 12);
  console.log('  int8 over float, worst nodes: ' + worst.map((e) =>
    `${e.name || '?'} [${[...e.ft].join('+') || '-'} ${ms(e.f)} -> ${[...e.qt].join('+') || '-'} ${ms(e.q)}]`).join(', '));
}
