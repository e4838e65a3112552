// The npm package as a user gets it: the tarball `npm pack` makes from wasm/build.sh's staged
// package, installed into a fresh project, imported by name, and its Node example run on the
// digits model (the class the host CLI gives).
//   MOTE_PACKAGE_TARBALL  the .tgz (tests/wasm/run_wasm_tests.sh sets it)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tarball = process.env.MOTE_PACKAGE_TARBALL;
const blob = process.env.MOTE_DIGITS_BLOB;
const skip = !tarball || !blob ? 'MOTE_PACKAGE_TARBALL, MOTE_DIGITS_BLOB: run tests/wasm/run_wasm_tests.sh' : false;

test('the packed npm package installs in a fresh project and runs the digits model', { skip }, () => {
  const project = mkdtempSync(join(tmpdir(), 'mote-package-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project });
  const pkg = join(project, 'node_modules', 'mote-runtime');
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
