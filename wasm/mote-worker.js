// The worker side of Mote.worker() (mote.js): a runtime in a Web Worker (browsers) or a
// worker_threads Worker (Node) that loads models and runs them on request, so that a page's
// main thread never blocks on a run. Messages: { id, op, args } in, { id, result } or
// { id, error } out; the outputs' buffers are transferred, not copied.
import { Mote, MoteError } from './mote.js';

const isNode = typeof process !== 'undefined' && !!process.versions && !!process.versions.node;
const port = isNode ? (await import('node:worker_threads')).parentPort : self;
const post = (message, transfer) => port.postMessage(message, transfer);

let runtime = null;
const models = new Map();
let nextModel = 1;

const ops = {
  async load({ source, options }) {
    runtime = await Mote.load(source, options);
    return { simd: runtime.simd, kernelSet: runtime.kernelSet, wasmBytes: runtime.wasmBytes };
  },
  loadModel({ blob }) {
    const model = runtime.loadModel(blob);
    const id = nextModel++;
    models.set(id, model);
    return { id, inputs: model.inputs, outputs: model.outputs, arenaBytes: model.arenaBytes };
  },
  run({ model, feeds }) {
    return models.get(model).runTensors(feeds);
  },
  resetState({ model }) {
    models.get(model).resetState();
  },
  tokenize({ model, text, options }) {
    return models.get(model).tokenize(text, options);
  },
  dispose({ model }) {
    models.get(model).dispose();
    models.delete(model);
  },
};

const receive = async (data) => {
  const { id, op, args } = data;
  try {
    if (!ops[op] || (op !== 'load' && !runtime)) throw new Error(`Mote worker: unknown request '${op}'`);
    if (args && args.model !== undefined && !models.has(args.model)) throw new Error('Mote worker: the model was disposed');
    const result = await ops[op](args || {});
    const transfer = [];
    if (op === 'run') for (const t of Object.values(result)) transfer.push(t.data.buffer);
    if (op === 'tokenize') transfer.push(result.ids.buffer, result.attentionMask.buffer, result.tokenTypeIds.buffer);
    post({ id, result }, transfer);
  } catch (err) {
    const e = err instanceof MoteError ? { name: 'MoteError', status: err.status, statusText: err.statusText, detail: err.detail }
      : { name: err.name || 'Error' };
    post({ id, error: { ...e, message: err.message } });
  }
};
if (isNode) port.on('message', receive);
else port.onmessage = (event) => receive(event.data);
