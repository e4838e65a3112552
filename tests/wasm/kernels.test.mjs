// Runs the SIMD128 kernel test (tests/wasm/kernels_test.cc, built by wasm/build.sh into
// MOTE_WASM_DIR/kernels_test.js): every optimised kernel against the reference kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const wasmDir = process.env.MOTE_WASM_DIR;

test('SIMD128 kernels match the reference kernels', { skip: !wasmDir && 'MOTE_WASM_DIR unset' }, () => {
  for (const seed of ['20240521', '7', '123456789', '4']) {
    const run = spawnSync(process.execPath, [join(wasmDir, 'kernels_test.js'), seed], { encoding: 'utf8' });
    const summary = /kernels: (\d+) passed, (\d+) failed/.exec(run.stdout);
    assert.ok(summary, `no summary from kernels_test.js (exit ${run.status}):\n${run.stdout}${run.stderr}`);
    console.log(`seed ${seed}: ${summary[0]}`);
    assert.equal(Number(summary[2]), 0, run.stdout);
    assert.ok(Number(summary[1]) > 1000);
    assert.equal(run.status, 0);
  }
});
