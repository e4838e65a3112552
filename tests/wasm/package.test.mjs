// The npm package as a user gets it: the tarball `npm pack` makes from wasm/build.sh's staged
// package, installed into a fresh project, imported by name, and its Node example run on the
// digits model (the class the host CLI gives); then the same installed package in headless
// Chromium, as a page imports it without a bundler: the default load() finding mote-simd.wasm
// beside mote.js, fetchModel streaming the blob, and a run in a module Web Worker.
//   MOTE_PACKAGE_TARBALL  the .tgz (tests/wasm/run_wasm_tests.sh sets it)
//   MOTE_DIGITS_BLOB      digits.mote; MOTE_DIGITS_REF the host's probabilities (.npy)
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch, serve, skipReason as browserSkip } from './chromium.mjs';
import { readNpy } from './npy.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tarball = process.env.MOTE_PACKAGE_TARBALL;
const blob = process.env.MOTE_DIGITS_BLOB;
const skip = !tarball || !blob ? 'MOTE_PACKAGE_TARBALL, MOTE_DIGITS_BLOB: run tests/wasm/run_wasm_tests.sh' : false;

let project;
let pkg;
before(() => {
  if (skip) return;
  project = mkdtempSync(join(tmpdir(), 'mote-package-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project });
  pkg = join(project, 'node_modules', 'mote-runtime');
});

test('the packed npm package installs in a fresh project and runs the digits model', { skip }, () => {
  for (const f of ['mote.js', 'mote.d.ts', 'mote.wasm', 'mote-simd.wasm', 'LICENSE', 'examples/run.mjs']) {
    assert.ok(existsSync(join(pkg, f)), `the package lacks ${f}`);
  }
  assert.equal(JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).license, 'Apache-2.0');
  const label = readFileSync(join(root, 'models/digits_sample_label.txt'), 'utf8').trim();
  // Imported by name, the default load() finding the modules beside mote.js.
  writeFileSync(join(project, 'app.mjs'), `
import { readFileSync } from 'node:fs';
import { Mote } from 'mote-runtime';
import { readNpy } from 'mote-runtime/examples/npy.mjs';
const rt = await Mote.load();
const model = rt.loadModel(readFileSync(process.argv[2]));
const { probabilities } = model.runTensors({ input: readNpy(process.argv[3]) });
console.log(rt.kernelSet, probabilities.dims.join('x'), probabilities.dtype, probabilities.data.indexOf(Math.max(...probabilities.data)));
`);
  const sample = join(root, 'models/digits_sample.npy');
  const out = execFileSync('node', ['app.mjs', blob, sample], { cwd: project, encoding: 'utf8' }).trim();
  assert.match(out, new RegExp(`^(wasm_simd128|reference) 1x10 float32 ${label}$`), out);
  const example = execFileSync('node', [join(pkg, 'examples/run.mjs'), blob, `input=${sample}`], { encoding: 'utf8' });
  assert.match(example, new RegExp(`probabilities: float32 \\[1,10\\]  argmax ${label}`), example);
});

test('the installed package runs the digits model in headless Chromium, on the page and in a Worker',
  { skip: skip || browserSkip, timeout: 180_000 }, async () => {
    // The page a web developer writes: an ES module import from node_modules, nothing bundled.
    writeFileSync(join(project, 'index.html'), `<!doctype html>
<meta charset="utf-8"><title>app</title><link rel="icon" href="data:,">
<script type="module">
import { Mote } from './node_modules/mote-runtime/mote.js';
window.app = { Mote };
document.title = 'ready';
</script>
`);
    const server = await serve({ app: project, blob: dirname(blob) });
    const origin = `http://127.0.0.1:${server.address().port}`;
    const { page, problems, close } = await launch({ width: 400, height: 300 });
    try {
      await page.goto(`${origin}/app/index.html`);
      await page.waitForFunction(() => document.title === 'ready');
      const sample = readNpy(join(root, 'models/digits_sample.npy'));
      const label = Number(readFileSync(join(root, 'models/digits_sample_label.txt'), 'utf8').trim());
      const blobUrl = `/blob/${basename(blob)}`;
      const got = await page.evaluate(async ([url, shape, values]) => {
        const { Mote } = window.app;
        const input = { shape, data: Float32Array.from(values) };
        const rt = await Mote.load();
        let progress = 0;
        const model = await rt.fetchModel(url, { onProgress: (loaded) => { progress = loaded; } });
        const out = model.runTensors({ input }).probabilities;
        const worker = await Mote.worker();
        const remote = await worker.loadModel(new Uint8Array(await (await fetch(url)).arrayBuffer()));
        const fromWorker = (await remote.run({ input })).probabilities;
        const kernelSet = worker.kernelSet;
        worker.terminate();
        return {
          kernelSet: rt.kernelSet, workerKernelSet: kernelSet, progress, wasmBytes: rt.wasmBytes,
          dims: out.dims, dtype: out.dtype, page: Array.from(out.data), worker: Array.from(fromWorker),
        };
      }, [blobUrl, sample.shape, Array.from(sample.data)]);
      assert.equal(got.kernelSet, 'wasm_simd128', 'Chromium loads mote-simd.wasm from beside mote.js');
      assert.equal(got.workerKernelSet, 'wasm_simd128');
      assert.equal(got.progress, statSync(blob).size, 'fetchModel reports the whole blob read');
      assert.equal(got.wasmBytes, statSync(join(pkg, 'mote-simd.wasm')).size);
      assert.deepEqual(got.dims, [1, 10]);
      assert.equal(got.dtype, 'float32');
      assert.equal(got.page.indexOf(Math.max(...got.page)), label);
      assert.deepEqual(got.worker, got.page, 'the Worker gives the page\'s probabilities bit for bit');
      if (process.env.MOTE_DIGITS_REF) {
        const ref = readNpy(process.env.MOTE_DIGITS_REF).data;
        const scale = Math.max(...ref.map(Math.abs));
        got.page.forEach((p, k) => assert.ok(Math.abs(p - ref[k]) <= 1e-4 * scale, `class ${k}: ${p} vs host ${ref[k]}`));
      }
      assert.deepEqual(problems, []);
    } finally {
      await close();
      server.close();
    }
  });
