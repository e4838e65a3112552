// mote.js end to end in Node: the digits model through both WebAssembly builds against the host
// CLI's output, the errors a caller can provoke, and the size budget of the modules.
//
// Run by tests/wasm/run_wasm_tests.sh, which builds the modules and converts the model, and
// passes where things are in the environment:
//   MOTE_WASM_DIR      the directory holding mote.wasm and mote-simd.wasm (wasm/build.sh OUT_DIR)
//   MOTE_DIGITS_BLOB   models/digits.onnx converted by the host `mote convert`
//   MOTE_DIGITS_REF    the host `mote run` output for models/digits_sample.npy (probabilities.npy)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Mote, MoteError, simdSupported } from '../../wasm/mote.js';
import { readNpy } from './npy.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const wasmDir = process.env.MOTE_WASM_DIR;
const blobPath = process.env.MOTE_DIGITS_BLOB;
const refPath = process.env.MOTE_DIGITS_REF;
const missing = !wasmDir || !blobPath || !refPath ? 'MOTE_WASM_DIR, MOTE_DIGITS_BLOB, MOTE_DIGITS_REF: run tests/wasm/run_wasm_tests.sh' : false;

// The size budget for the whole runtime (every op, every kernel) in one module, 96 KiB raw;
// MOTE_WASM_SIZE_BUDGET overrides it (bytes). It was 64 KiB until the verifier began proving the
// whole arena plan and the int8 arithmetic at load (about 2 KB of code that no build may leave
// out) and Trilu joined the op set (0.9 KB): 68 KiB then. Then some 25 ops joined at once
// (RNN/GRU/LSTM, DFT/STFT, TopK, OneHot, GatherND, the scatters, ReverseSequence, Einsum,
// GridSample, Det, LRN, Shrink, SiLU, MaxPool with indices, MaxUnpool): about 24 KB of reference
// kernels, 92.9 KB in all. Then NonMaxSuppression, float16 storage, 3-D pooling and the int8
// kernels of the coverage work (QSub/QMax/QMin/QDiv/QPRelu/QLayerNorm, the negative-side
// multiplier): 99.3 KB, budget 100 KiB. Then the WordPiece tokenizer (mote/text.h, docs/text.md:
// its Unicode tables are about 14 KB): 99,309 -> 118,681 bytes (+19,372), budget 100 KiB +
// 19,372 rounded up to 119 KiB. A page that wants a small module builds one for its own
// model (MOTE_OP_CONFIG keeps only the op families the model uses, and the tokenizer only when
// a model carries a vocabulary), not for every op.
// The seven int8-weight ops (ConvW8, ConvTransposeW8, GemmW8, MatMulW8, RNNW8, GRUW8, LSTMW8, in
// the reference kernels) joined after: 121,349 bytes. Then the reference convolution in both
// layouts (QConv NCHW or NHWC, QMatMul's B [K, N] or [N, K], blob 1.4) and ConvWinograd's
// reference kernel: 121,218 -> 123,714 bytes, budget 121 KiB. Then Softmax's exp without the C
// library's table (MOTE_SMALL_MATH): 121,266 bytes, budget 119.5 KiB. Then the double log, pow,
// DFT sine and cosine and GridSample's fmod without the C library's (small_math.h) and the
// tokenizer's accent table as runs: 120,767 -> 114,487 bytes; one range search for the
// tokenizer's tables: 114,127 bytes (113,767 merged with main). Budget 112 KiB.
const SIZE_BUDGET = Number(process.env.MOTE_WASM_SIZE_BUDGET || 112 * 1024);
// The SIMD128 modules' budgets (raw, gzip -9), a few KiB above what they are: every op
// 261.6 KiB / 91.9 KiB (362.7 KB before the per-source levels of wasm/optimize_kernels.cmake);
// the digits model alone (model=) 66.9 KiB, and 48.1 KiB built small (model-small=: no detail
// text, small CRC table, the reference kernels at -Os). With the ops and int8 kernels that joined
// since (see above): 271.9 KiB / 96.4 KiB, digits 70.4 KiB and 49.7 KiB small. The tokenizer:
// 278,371 -> 299,283 bytes raw (+20,912), 98,346 -> 112,561 gzip (+14,215): budgets 276 KiB +
// 20,912 and 100 KiB + 14,215, rounded up to 297 KiB and 114 KiB. The digits modules leave the
// tokenizer out (no vocabulary) and grew by the VOCAB section's check in the loader only: 72,063
// -> 74,083 and 50,939 -> 51,963 bytes, within their budgets.
// Then the int8 SIMD128 kernels that make int8 pay off in WASM (the banded depthwise, the planar
// 1x1, the int8 element-wise ops and pools) and per-op profiling: +37.2 KiB raw, +8.4 KiB gzip
// (280,666 -> 318,789 bytes before the tokenizer joined). Both together: 339,701 bytes raw, 122,108
// gzip; budgets 336 KiB and 123 KiB. With the int8-weight ops: 345,893
// bytes raw, 124,220 gzip; budgets 338 KiB and 122 KiB. Then an error's text pieces became
// calls (Fail's methods out of line) and the verifier's op and tensor errors share their
// context: 341,369 bytes raw, 123,463 gzip, budgets 334 KiB and 121 KiB. The digits modules
// also leave the vocabulary check out (no vocabulary: MOTE_USE_TEXT 0), and the small one builds
// its SIMD128 kernels at -Os and the rest at -Oz (wasm/build.sh): 75,236 -> 72,169 and 53,013 ->
// 38,706 bytes, budgets 71 KiB and 38 KiB. Then SIMD128 speed for the mobile networks:
// +15,329 bytes raw, +3,733 gzip (the int8 depthwise 5x5 rows 6.4 KB, the int8 Requantize kernel
// and its route 2.7 KB, the float depthwise 5x5 band row 2.9 KB, QAdd/QSub/QMul 16 a step 1.7 KB):
// 356,635 bytes. With the two layouts' reference convolution and ConvWinograd's reference kernel
// as in mote.wasm, and Requantize routed for x86 and SIMD128 alike: 361,704 bytes raw, 129,935
// gzip; budgets 354 KiB and 127 KiB. Then the SIMD128 ConvWinograd kernel (`--target wasm`
// blobs: ResNet-18 and SqueezeNet 1.1 from 0.77 and 0.81 of onnxruntime-web's time to under
// 0.6) +5,244 bytes raw, +1,541 gzip, and the unrolled float MaxPool 3x3 stride 2 +781 raw, +238
// gzip: 367,729 bytes raw, 131,714 gzip; budgets 360 KiB and 129 KiB. The digits modules leave
// both out (MOTE_USE_KERNEL_winograd, MOTE_USE_KERNEL_max_pool_3x3s2): 72,259 and 38,623 bytes.
// Then SIMD128 int8 speed (int8 slower than float on the mobile networks): the few-tap QConv of
// a network's first layer (5.3 KB), the bounded requantisation inlined beside the general one in
// every int8 kernel and the 1x1 kernel's per-group requantisation (5.4 KB), and the tail stores
// of fewer than 16 bytes as lane stores (-14.4 KB: the byte-copy loop was unrolled and
// vectorised wherever it was inlined): 363,995 bytes raw (-3,734), 134,593 gzip (+2,879);
// budgets 360 KiB and 132 KiB.
// Then the loader's and verifier's errors became one formatted call per site (fail,
// mote/kernel.h) and the op names one string: 368,992 bytes raw, 131,845 gzip (+1,263: the error
// sites shrank, but the data moved and many text addresses take a byte more each); budget 361 KiB. The digits modules
// leave out the reference kernels of the families the SIMD128 kernels take whole (Conv, Gemm,
// MaxPool: the header says so), builds for known models switch over their op codes instead of a
// table of every op, and the small one links with -flto and its SIMD128 kernels at -Oz: 72,259 ->
// 62,795 and 38,623 -> 28,862 bytes, budgets 62 KiB and 28.5 KiB.
// Both together: 365,225 bytes raw, 133,950 gzip; budgets 358 KiB and 132 KiB.
// Then (wasm/optimize_kernels.cmake) the hot reference kernels at -Os rather than -O2 (-51.3 KB),
// the SIMD128 kernels without LLVM's vectorisers (-25.5 KB), the unary ops and the routing
// without loop unrolling (-4.6 KB): 283,889 bytes raw, 113,614 gzip; budgets 280 KiB and 113 KiB.
// The digits modules: model= 50,779 bytes; model-small= with the GEMM one row at a time
// (MOTE_WASM_SMALL_KERNELS, summed in the tiles' order: the same results bit for bit; -3.4 KB)
// and Softmax's exp without the table (-2.5 KB) 23,055 bytes; budgets 51 KiB and 23 KiB.
// Then SIMD128 int8 speed again (int8 7-15% slower than float on six torchvision models, from
// 20-33%): the 1x1 kernel's weight pairs pair-major, two channel pairs a pass, its bounded
// requantisation two rows at a time, used from 128 or 512 pixels; the depthwise 3x3 stride-2
// row; the first layer's stride-2, 3-wide path: 283,889 -> 286,207 bytes raw (+2,318), 113,603
// -> 114,926 gzip (+1,323); budgets unchanged. The digits modules link none of it.
// Then SIMD128 float speed for the image networks: the direct 3x3 stride-2 stem Conv (20-40% off
// the stems of six of the seven torchvision models) and MaxPool 3x3 stride 2 read in place (20-30%
// off those pools): 286,207 -> 293,374 bytes raw (+7,167), 114,926 -> 117,305 gzip (+2,379); budgets
// 287 KiB and 116 KiB. The digits modules leave both out (MOTE_USE_KERNEL_conv_3x3s2,
// MOTE_USE_KERNEL_max_pool_3x3s2).
// Then the core's and the reference kernels' smaller error sites and checks (errors that name
// their op or tensor themselves, argument checks out of line, 32-bit range checks): 290,909
// bytes raw, 115,979 gzip, budgets unchanged; the digits modules 48,387 and 22,288 bytes, budgets
// 49 KiB and 22.5 KiB.
// Then SIMD128 int8 speed for the image networks' 3x3 layers, pools and stems (ResNet-18 and
// SqueezeNet 1.1 int8 from slower than their ConvWinograd float blobs to faster): the general
// QConv's columns of 4 pixels gathered with vectors (+806), the int8 MaxPool's rows of 8 to 15
// outputs 8 a vector (+581), the first-layer QConv a group of 4 output channels at a time over
// each row with its weight pairs widened once (+974), the depthwise band's slot without
// remainders (+101): 290,909 -> 293,371 bytes raw (+2,462), 115,979 -> 117,176 gzip (+1,197);
// budgets unchanged. The digits modules link none of it.
// Then the float global average (GlobalAveragePool, and ReduceMean over trailing axes, which had
// no SIMD128 kernel) summed four vectors at a time: EfficientNet-B0's 17 pools 1.6 -> 0.1 ms,
// MNASNet's and ShuffleNet's ReduceMean 0.2 -> 0.005 ms (3.7, 5.2 and 1.7% of those models'
// per-op time): 293,371 -> 294,676 bytes raw (+1,305), 117,176 -> 117,661 gzip (+485); the raw
// budget 287 -> 288 KiB for it. The digits modules link none of it (48,301 and 22,288).
// Then the digits modules keep only their own ops' names, leave out the general pools, a Clip's
// text and the unused ops of their families (Softmax's LogSoftmax and Hardmax: the C library's
// log): 45,014 and 20,779 bytes; and model= with Softmax's small exp (MOTE_SMALL_MATH, as
// model-small=): 42,599 bytes. Budgets 43 KiB and 21 KiB.
// Then the int8 depthwise 3x3 kernel for planes whose padded rows fit one vector (the mobile
// networks' 7x7 and 14x14 layers at stride 1, 20-35% faster there, and 14x14 -> 7x7 at stride 2,
// 45%: no band of row copies, each input row widened and interleaved once for the output rows
// that read it): 294,676 -> 296,745 bytes raw (+2,069), 117,661 -> 118,303 gzip; raw budget
// 288 -> 290 KiB. The digits modules link none of it.
// Then int8 ReduceMean over trailing axes on the global average's loop (MNASNet's head 0.117 ->
// 0.010 ms; it ran the reference kernel): 296,745 -> 297,391 bytes raw (+646), 118,303 -> 118,480
// gzip; raw budget 290 -> 290.5 KiB. Both steps: 117,984 -> 119,076 bytes gzip as this test
// measures it (Node's zlib, level 9): gzip budget 116 -> 116.5 KiB. Merged with the reference
// kernels' changes since (+156 bytes on their own): 294,832 -> 297,547 bytes raw, 118,036 ->
// 119,132 gzip (Node's); raw budget 291 KiB.
// Then mote-simd.wasm's cold code and loops (wasm/build.sh, wasm/optimize_kernels.cmake): the
// reference kernels, shape inference and verifier at -Oz with one-line functions inlined, and
// the bulk-memory, non-trapping float-to-int and sign-extension features (-6,078); no partial or
// runtime-count loop unrolling in the float depthwise and pooling kernels, the int8 general and
// 1x1 convolutions (-10,275), the float binary rows and the int8 element-wise ops (-4,028); the
// routing at the cold level (-689): 294,676 -> 273,606 bytes raw (-21,070), 117,661 -> 111,341
// gzip (-6,320), the same outputs and no model slower; 273,771 and 111,386 with main's changes
// since. Then the reference Einsum's int32 and int64 one body: 272,868 bytes raw (-903), 111,440
// gzip -9 (111,982 by Node's zlib, which this test uses). Merged with the int8 kernels above:
// 297,547 -> 275,484 bytes raw (-22,063), 119,132 -> 112,998 gzip (Node's). Budgets 270 KiB and
// 111 KiB.
// Then shared bodies in the SIMD128 kernels: the float GEMM's in-place and packed forms of B in
// one loop nest (the register tiles once, -3.2 KB), the float depthwise 3x3 loops one body for
// no activation, Relu and Clip (-4.6 KB), the float binary rows without LeakyRelu rows (a second
// pass over the row) and without (0, 1) rows for Add and Mul (their inputs swapped; -6.5 KB): the
// same outputs bit for bit, 276,318 -> 262,020 bytes raw, 113,428 -> 112,235 gzip (Node's).
// Budgets 257 KiB and 110 KiB. Merged with ConvWinograd F(4x4, 3x3) (+3.4 KB), the int8 Lut
// and Requantize tables (-1.4 KB), the int8 columns' one store site (-0.3 KB) and the error
// messages' phrase codes (-1.4 KB raw; the coded text compresses less well): 262,332 bytes raw,
// 113,781 gzip (Node's). Budgets 257 KiB and 111.5 KiB.
// Then more shared bodies, the same outputs bit for bit: the float binary rows one per op and
// broadcast form, a fused Relu, Clip or LeakyRelu applied over each 1024-float chunk the row just
// wrote (29 -> 19 rows, -5.7 KB), the float depthwise 3x3 band rows' LeakyRelu likewise (-0.6
// KB), and the float unary ops of one or two instructions (Relu, LeakyRelu, Clip, Abs, Neg,
// Sqrt, Floor, Ceil) in one loop (-1.2 KB): 261,718 -> 254,202 bytes raw, 113,626 -> 113,280
// gzip (Node's). Budgets 250 KiB and 111 KiB.
// Then the float GEMM's 4x8 tile that sweeps the weights ahead (a second form of the tile;
// ShuffleNet V2 4% faster): 256,089 bytes raw, 113,495 gzip (-9). Budgets 252 KiB and 111.5 KiB.
// Then the reference kernels' double log, pow, DFT twiddles and GridSample fmod without the C
// library's (MOTE_SMALL_MATH, kernels/reference/small_math.h: -6.9 KB), the tokenizer's accent
// table as runs and one range search for all its tables (-2.3 KB) and memcpy/memmove/memset as
// memory.copy and memory.fill (-0.6 KB): 256,102 -> 246,387 bytes raw, 113,809 -> 107,327 gzip
// (Node's); 245,850 and 107,060 merged with main. Budgets 241 KiB and 105 KiB.
const SIMD_BUDGET = { raw: 241 * 1024, gzip: 105 * 1024 };
// On the tree with the reference kernels at -Oz and the SIMD128 loops not unrolled where it
// costs no speed: 40,824 and 20,859 bytes; model= budget 43 -> 41 KiB. Then the GEMM's tiles
// once (above): model= 37,611 bytes, budget 37.5 KiB (model-small= has no tiles). Then the
// error messages' phrase codes: 36,007 and 20,735 bytes, budgets 35.5 KiB and 20.5 KiB. Then
// the GEMM's second 4x8 tile form (the weights swept ahead): model= 37,916 bytes, budget 37.5 KiB.
// Then only the SIMD routes and forms the model's ops take (the header's MOTE_USE_KERNEL_conv_im2col,
// gemm_nt, gemm_row_tail 0, max_pool_s2, ...), memcpy/memmove/memset as memory.copy/fill in the
// bulk-memory builds, and model-small= with bulk memory and MaxPool on the reference kernel:
// 34,777 and 15,735 bytes (20,657 before), the same outputs. Budgets 34.5 KiB and 15.5 KiB.
// Then the left-out routes' kernels and layouts folded away (both), and for model-small= the
// exports mote.js calls only, under short names, the GEMM with no working memory, f32_gemm_nt a
// column at a time, the im2col panel a tap at a time and wasm-opt --flatten --rereloop: 15,631 ->
// 12,933 bytes (model= 34,629 -> 33,975). Budgets 33.5 KiB and 12.75 KiB.
const DIGITS_BUDGET = { 'mote-simd-digits.wasm': 33.5 * 1024, 'mote-simd-small-digits.wasm': 12.75 * 1024 };

const sample = () => readNpy(join(root, 'models/digits_sample.npy')).data;
const label = () => Number(readFileSync(join(root, 'models/digits_sample_label.txt'), 'utf8').trim());

for (const simd of [true, false]) {
  const build = simd ? 'mote-simd.wasm' : 'mote.wasm';

  test(`digits through mote.js (${build}) matches the host CLI`, { skip: missing }, async () => {
    const rt = await Mote.load(join(wasmDir, build));
    assert.equal(rt.simd, simd);
    assert.equal(rt.kernelSet, simd ? 'wasm_simd128' : 'reference');
    const model = rt.loadModel(readFileSync(blobPath));
    assert.deepEqual(model.inputs, [{ name: 'input', shape: [1, 1, 8, 8], dtype: 'float32' }]);
    assert.deepEqual(model.outputs, [{ name: 'probabilities', shape: [1, 10], dtype: 'float32' }]);
    assert.ok(model.arenaBytes > 0);
    const ref = readNpy(refPath).data;
    const { probabilities } = model.run({ input: sample() });
    assert.ok(probabilities instanceof Float32Array);
    assert.equal(probabilities.length, 10);
    const scale = Math.max(...ref.map(Math.abs));
    const worst = Math.max(...probabilities.map((v, i) => Math.abs(v - ref[i])));
    assert.ok(worst <= 1e-4 * scale, `max |wasm - host| = ${worst}, allowed ${1e-4 * scale}`);
    const best = probabilities.indexOf(Math.max(...probabilities));
    assert.equal(best, label());
    // Runs again the same, and a second model runs beside the first.
    const other = rt.loadModel(readFileSync(blobPath));
    assert.deepEqual(other.run({ input: Array.from(sample()) }).probabilities, probabilities);
    assert.deepEqual(model.run({ input: sample() }).probabilities, probabilities);
    other.dispose();
    model.dispose();
  });

  // mote.wasm is built with MOTE_STRIP_ERROR_STRINGS (wasm/build.sh): its errors carry the
  // status and its name, and no detail text; mote-simd.wasm has both.
  test(`bad blobs throw the runtime's errors (${build})`, { skip: missing }, async () => {
    const rt = await Mote.load(join(wasmDir, build));
    const blob = readFileSync(blobPath);
    const expectError = (bytes, status, statusText, detail) =>
      assert.throws(() => rt.loadModel(bytes), (err) => {
        assert.ok(err instanceof MoteError && err instanceof Error);
        assert.equal(err.status, status, err.message);
        assert.match(err.statusText, statusText);
        if (simd) {
          assert.match(err.detail, detail, 'the runtime says where');
          assert.equal(err.message, `Mote: cannot load the model: ${err.statusText}: ${err.detail}`);
        } else {
          assert.equal(err.detail, '');
          assert.equal(err.message, `Mote: cannot load the model: ${err.statusText}`);
        }
        return true;
      });
    expectError(blob.subarray(0, 100), 4, /truncated/, /100/);
    expectError(blob.subarray(0, blob.length - 1), 4, /truncated/, /./);
    const flipped = Buffer.from(blob);
    flipped[flipped.length >> 1] ^= 0x10;
    expectError(flipped, 5, /checksum/, /CRC32 mismatch/);
    const notBlob = Buffer.from(blob);
    notBlob.write('ONNX', 0);
    expectError(notBlob, 2, /magic|not a Mote blob/i, /./);
    expectError(new Uint8Array(3), 4, /truncated/, /./);
    // After all that the runtime still loads and runs a good blob.
    const model = rt.loadModel(blob);
    assert.equal(model.run({ input: sample() }).probabilities.length, 10);
  });

  // model.profile(): every op of a run timed alone, in run order, named by type (mote.wasm has
  // no names: the op code), summed per type; the op-by-op run is a whole run (its outputs are
  // run()'s); bad arguments throw.
  test(`per-op profile (${build})`, { skip: missing }, async () => {
    const rt = await Mote.load(join(wasmDir, build));
    const model = rt.loadModel(readFileSync(blobPath));
    const want = model.run({ input: sample() }).probabilities;
    const p = model.profile({ input: sample() }, { iters: 3 });
    assert.deepEqual(model.read().probabilities, want);
    const count = rt.exports.mote_model_num_ops(model.model);
    assert.ok(count >= 3);
    assert.equal(p.iters, 3);
    assert.equal(p.ops.length, count);
    p.ops.forEach((op, k) => {
      assert.equal(op.index, k);
      assert.ok(Number.isFinite(op.ms) && op.ms >= 0);
      assert.equal(typeof op.name, 'string');
      assert.match(op.type, simd ? /^[A-Z][A-Za-z0-9]+$/ : /^op \d+$/);
    });
    if (simd) assert.ok(p.ops.some((op) => op.type === 'Conv'), p.ops.map((op) => op.type).join(','));
    assert.equal(p.types.reduce((n, t) => n + t.count, 0), count);
    assert.equal(new Set(p.types.map((t) => t.type)).size, p.types.length);
    const sum = p.types.reduce((ms, t) => ms + t.ms, 0);
    assert.ok(Math.abs(sum - p.totalMs) <= 1e-9 * Math.max(1, p.totalMs), `${sum} vs ${p.totalMs}`);
    for (let k = 1; k < p.types.length; ++k) assert.ok(p.types[k - 1].ms >= p.types[k].ms);
    if (p.totalMs > 0) assert.ok(Math.abs(p.types.reduce((x, t) => x + t.share, 0) - 1) < 1e-9);
    assert.deepEqual(model.run({ input: sample() }).probabilities, want);
    assert.throws(() => model.profile({ input: sample() }, { iters: 0 }), MoteError);
    assert.throws(() => model.profile({ input: new Float32Array(3) }), /got 12/);
    model.dispose();
  });

  test(`wrong inputs throw clear errors (${build})`, { skip: missing }, async () => {
    const rt = await Mote.load(join(wasmDir, build));
    const model = rt.loadModel(readFileSync(blobPath));
    const check = (feeds, status, text) =>
      assert.throws(() => model.run(feeds), (err) => {
        assert.ok(err instanceof MoteError);
        assert.equal(err.status, status, err.message);
        assert.match(err.message, text);
        return true;
      });
    check({ input: new Float32Array(63) }, 11, /input 'input' is float32\[1,1,8,8\] = 256 bytes; got 252/);
    check({ input: new Float32Array(65) }, 11, /got 260/);
    check({ input: new Int8Array(64) }, 11, /input 'input' is float32: pass a Float32Array, not Int8Array/);
    check({ pixels: sample() }, 1, /unknown input 'pixels'; the model's inputs are: input/);
    check({}, 1, /input 'input' is missing/);
    // A failed run leaves the session usable.
    assert.equal(model.run({ input: sample() }).probabilities.length, 10);
    model.dispose();
    assert.throws(() => model.run({ input: sample() }), /disposed/);
  });
}

test('Mote.load picks the build from a directory and takes bytes', { skip: missing }, async () => {
  const auto = await Mote.load(wasmDir);
  assert.equal(auto.simd, simdSupported());
  assert.equal((await Mote.load(wasmDir, { simd: false })).simd, false);
  assert.equal((await Mote.load(new URL(`file://${wasmDir}/`), { simd: true })).simd, true);
  const bytes = readFileSync(join(wasmDir, 'mote-simd.wasm'));
  const fromBytes = await Mote.load(new Uint8Array(bytes));
  assert.equal(fromBytes.wasmBytes, bytes.length);
  const model = fromBytes.loadModel(readFileSync(blobPath).buffer.slice(0));
  assert.equal(model.run({ input: sample() }).probabilities.length, 10);
});

test('memory is reused after dispose and grows for large arenas', { skip: missing }, async () => {
  const rt = await Mote.load(wasmDir);
  const blob = readFileSync(blobPath);
  const first = rt.loadModel(blob);
  first.dispose();
  const top = rt.top;
  for (let k = 0; k < 50; ++k) rt.loadModel(blob).dispose();
  assert.equal(rt.top, top, 'loading and disposing does not leak');
  const many = Array.from({ length: 300 }, () => rt.loadModel(blob));
  assert.ok(rt.memory.buffer.byteLength >= 300 * blob.length, 'memory grew');
  for (const m of many) assert.equal(m.run({ input: sample() }).probabilities.length, 10);
});

// Streaming state (mote convert --carry): state_out = state + x carried into `state`. Runs carry
// it, a state input may be left out of the feeds, resetState() starts again from zeros.
const stateBlob = process.env.MOTE_STATE_BLOB;
for (const simd of [true, false]) {
  const build = simd ? 'mote-simd.wasm' : 'mote.wasm';
  test(`state carried from run to run and reset (${build})`, { skip: missing || (!stateBlob && 'MOTE_STATE_BLOB unset') }, async () => {
    const rt = await Mote.load(join(wasmDir, build));
    const model = rt.loadModel(readFileSync(stateBlob));
    assert.deepEqual(model.inputs.map((t) => [t.name, !!t.state]), [['x', false], ['state', true]]);
    const run = (x) => Array.from(model.run({ x: Float32Array.from(x) }).state_out);
    assert.deepEqual(run([1, 2, 3, 4]), [1, 2, 3, 4]);
    assert.deepEqual(run([1, 1, 1, 1]), [2, 3, 4, 5]);
    assert.deepEqual(run([-2, 0, 0, 10]), [0, 3, 4, 15]);
    model.resetState();
    assert.deepEqual(run([5, 5, 5, 5]), [5, 5, 5, 5]);
    // A state given in the feeds replaces the carried one for that run.
    assert.deepEqual(Array.from(model.run({ x: Float32Array.from([1, 1, 1, 1]), state: Float32Array.from([10, 20, 30, 40]) }).state_out),
      [11, 21, 31, 41]);
    model.dispose();
  });
}

// The module built small (model-small=) exports only what mote.js calls, under short names
// (wasm/short_exports.mjs), and not mote_status_str: mote.js maps the names back and has the
// status names itself, the same as mote_status_str's in the other modules.
test('the small module\'s short exports and the glue\'s status names', { skip: missing }, async () => {
  const small = 'mote-simd-small-digits.wasm';
  const names = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(wasmDir, small)))).map((e) => e.name);
  assert.ok(names.includes('memory'));
  for (const name of names) assert.match(name, /^(memory|[0-9a-z]{1,2})$/, `${small} exports ${name}`);
  const rt = await Mote.load(join(wasmDir, small));
  assert.equal(rt.exports.mote_status_str, undefined);
  for (const name of ['mote_model_load', 'mote_session_run', 'mote_model_num_ops', 'mote_wasm_heap_base']) {
    assert.equal(typeof rt.exports[name], 'function', name);
  }
  for (const build of ['mote.wasm', 'mote-simd.wasm']) {
    const full = await Mote.load(join(wasmDir, build));
    assert.equal(typeof full.exports.mote_status_str, 'function');
    for (let status = 0; status <= 15; ++status) {
      assert.equal(rt.statusText(status), full.statusText(status), `status ${status}`);
    }
  }
});

// mote.wasm carries every op (the reference kernels) and is built for size; mote-simd.wasm
// carries every op too, built for speed, with its own budget.
test(`size budget: mote.wasm <= ${SIZE_BUDGET} bytes, mote-simd.wasm <= ${SIMD_BUDGET.raw} (gzip ${SIMD_BUDGET.gzip})`, { skip: missing }, () => {
  const sizes = {};
  for (const file of ['mote.wasm', 'mote-simd.wasm']) {
    const bytes = readFileSync(join(wasmDir, file));
    sizes[file] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    console.log(`${file}: ${bytes.length} bytes raw, ${sizes[file].gzip} bytes gzip -9`);
  }
  assert.ok(sizes['mote.wasm'].raw <= SIZE_BUDGET, `mote.wasm is ${sizes['mote.wasm'].raw} bytes; the budget is ${SIZE_BUDGET}`);
  for (const k of ['raw', 'gzip']) {
    assert.ok(sizes['mote-simd.wasm'][k] <= SIMD_BUDGET[k], `mote-simd.wasm is ${sizes['mote-simd.wasm'][k]} bytes ${k}; the budget is ${SIMD_BUDGET[k]}`);
  }
});

// A module for one model (wasm/build.sh model=digits.h: the runtime built with MOTE_OP_CONFIG):
// it runs that model as the full module does, refuses a blob with an op family it left out,
// giving the op's index, op code and node name (the module keeps only its own ops' names),
// and is a fraction of the full module's size.
// The small one (model-small=) has no detail text: the refusal is its status alone.
for (const file of Object.keys(DIGITS_BUDGET)) {
  test(`a module built for the digits model alone (${file} <= ${DIGITS_BUDGET[file]} bytes)`, { skip: missing }, async () => {
    const full = await Mote.load(join(wasmDir, 'mote-simd.wasm'));
    const rt = await Mote.load(join(wasmDir, file));
    const blob = readFileSync(blobPath);
    const want = full.loadModel(blob).run({ input: sample() }).probabilities;
    assert.deepEqual(rt.loadModel(blob).run({ input: sample() }).probabilities, want);
    if (stateBlob) {  // Add: the binary family, which the digits model does not use
      assert.throws(() => rt.loadModel(readFileSync(stateBlob)), (err) => {
        assert.ok(err instanceof MoteError);
        assert.equal(err.statusText, 'unsupported op');
        assert.match(err.detail, file.includes('small') ? /^$/ : /^op \d+ \(op code \d+ '[^']*'\): op left out of this runtime build \(MOTE_OP_CONFIG; `mote info` names it\)$/);
        return true;
      });
    }
    // Its pool family is the float 2-D MaxPool alone (MOTE_USE_OP_AVERAGE_POOL 0 and
    // MOTE_USE_KERNEL_pool_general 0 in its header): an AveragePool and a 1-D MaxPool are
    // refused at load, the one by its op code, the other naming what the build left out; and
    // its Conv the 3x3 im2col route alone, so a 1x1 Conv is refused too.
    const refusals = [
      [process.env.MOTE_AVGPOOL_BLOB, 32, 8, /^op 0 \(op code \d+ '[^']*'\): op left out of this runtime build \(MOTE_OP_CONFIG; `mote info` names it\)$/],
      [process.env.MOTE_MAXPOOL1D_BLOB, 16, 8, /^op 0 \(MaxPool '[^']*'\): this 1-D float32 pool was left out of this runtime build \(MOTE_OP_CONFIG: float 2-D MaxPool only\)$/],
      // A 1x1 Conv: digits' Conv family, but a route its header leaves out (MOTE_USE_KERNEL_conv_pointwise
      // 0) and no reference Conv in the module.
      [process.env.MOTE_CONV1X1_BLOB, 32, 32, /^op 0 \(Conv '[^']*'\): no reference kernel in this build and the wasm_simd128 kernels do not take it \(convert with --target wasm; build with the model's header\)$/],
    ];
    for (const [path, n, m, detail] of refusals) {
      if (!path) continue;
      assert.equal(full.loadModel(readFileSync(path)).run({ x: new Float32Array(n).fill(1) }).y.length, m);
      assert.throws(() => rt.loadModel(readFileSync(path)), (err) => {
        assert.ok(err instanceof MoteError);
        assert.equal(err.statusText, 'unsupported op');
        assert.match(err.detail, file.includes('small') ? /^$/ : detail);
        return true;
      });
    }
    // A Conv on its im2col route with strides, dilations and uneven padding (digits' own Convs
    // have none of them): the same outputs as mote-simd.wasm's, whose panels are packed in runs.
    const panelBlob = process.env.MOTE_CONVPANEL_BLOB;
    if (panelBlob) {
      const x = Float32Array.from({ length: 243 }, (_, k) => ((k * 29) % 17) / 4 - 2);
      const got = rt.loadModel(readFileSync(panelBlob)).run({ x }).y;
      const ref = full.loadModel(readFileSync(panelBlob)).run({ x }).y;
      assert.equal(got.length, 48);
      assert.deepEqual(got, ref);
    }
    // Its Conv, Gemm and MaxPool run on the SIMD128 kernels alone (the header says they take
    // every op of those families): a blob not planned for them is refused at load, naming the op.
    const x86Blob = process.env.MOTE_DIGITS_X86_BLOB;
    if (x86Blob) {
      assert.equal(full.loadModel(readFileSync(x86Blob)).run({ input: sample() }).probabilities.length, 10);
      assert.throws(() => rt.loadModel(readFileSync(x86Blob)), (err) => {
        assert.ok(err instanceof MoteError);
        assert.equal(err.statusText, 'unsupported op');
        assert.match(err.detail, file.includes('small') ? /^$/ : /^op 0 \(Conv '[^']*'\): no reference kernel in this build and the wasm_simd128 kernels do not take it \(convert with --target wasm; build with the model's header\)$/);
        return true;
      });
    }
    const one = readFileSync(join(wasmDir, file)).length;
    const all = readFileSync(join(wasmDir, 'mote-simd.wasm')).length;
    console.log(`${file}: ${one} bytes raw, ${gzipSync(readFileSync(join(wasmDir, file)), { level: 9 }).length} gzip -9 (mote-simd.wasm ${all})`);
    assert.ok(one < all / 2, `${file} is ${one} bytes, mote-simd.wasm ${all}: the op families were not left out`);
    assert.ok(one <= DIGITS_BUDGET[file], `${file} is ${one} bytes; the budget is ${DIGITS_BUDGET[file]}`);
  });
}

// Tensors in and out, blobs fetched as streams, and the argument checks of load().
test('runTensors, fetchModel and load() argument checks', { skip: missing }, async () => {
  const rt = await Mote.load(join(wasmDir, 'mote-simd.wasm'));
  const blob = readFileSync(blobPath);
  const model = rt.loadModel(blob);
  const want = model.run({ input: sample() }).probabilities;
  const t = model.runTensors({ input: { data: sample(), dims: [1, 1, 8, 8] } }).probabilities;
  assert.deepEqual(t.dims, [1, 10]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.data, want);
  assert.throws(() => model.runTensors({ input: { data: sample(), dims: [64] } }), /dims \[1,1,8,8\], not \[64\]/);
  // A Response read as a stream (Node 18+ has Response), with progress; and a file path.
  const seen = [];
  const fromResponse = await rt.fetchModel(new Response(blob, { headers: { 'content-length': String(blob.length) } }),
    { onProgress: (loaded, total) => seen.push([loaded, total]) });
  assert.deepEqual(fromResponse.run({ input: sample() }).probabilities, want);
  assert.ok(seen.length > 0 && seen[seen.length - 1][0] === blob.length && seen[0][1] === blob.length, JSON.stringify(seen));
  const fromPath = await rt.fetchModel(blobPath);
  assert.deepEqual(fromPath.run({ input: sample() }).probabilities, want);
  await assert.rejects(Mote.load(42), TypeError);
});

// Mote.worker(): the same runtime in a worker_threads Worker, every call a promise.
test('Mote.worker runs the digits model off the main thread', { skip: missing }, async () => {
  const rt = await Mote.worker(join(wasmDir, 'mote-simd.wasm'));
  try {
    assert.equal(rt.kernelSet, 'wasm_simd128');
    const model = await rt.loadModel(readFileSync(blobPath));
    assert.deepEqual(model.inputs, [{ name: 'input', shape: [1, 1, 8, 8], dtype: 'float32' }]);
    const ref = readNpy(refPath).data;
    const { probabilities } = await model.run({ input: sample() });
    assert.ok(probabilities instanceof Float32Array);
    assert.ok(Math.max(...probabilities.map((v, i) => Math.abs(v - ref[i]))) <= 1e-4 * Math.max(...ref.map(Math.abs)));
    const t = (await model.runTensors({ input: sample() })).probabilities;
    assert.deepEqual([t.dims, t.dtype], [[1, 10], 'float32']);
    await assert.rejects(model.run({ input: new Float32Array(3) }), (err) => err instanceof MoteError && /256 bytes; got 12/.test(err.message));
    await assert.rejects(rt.loadModel(new Uint8Array(10)), (err) => err instanceof MoteError && /truncated/.test(err.statusText));
    await model.dispose();
    await assert.rejects(model.run({ input: sample() }), /disposed/);
  } finally {
    await rt.terminate();
  }
});
