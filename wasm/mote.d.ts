// Types for mote.js, Mote's WebAssembly runtime glue.

/** Element types of Mote tensors. */
/** float16 travels as a Uint16Array of IEEE half bits. */
export type MoteDType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool' | 'float16';

export type MoteTypedArray = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

export interface MoteTensorInfo {
  name: string;
  shape: number[];
  dtype: MoteDType;
  /** Quantized (int8) inputs and outputs: real = scale * (q - zeroPoint). Absent otherwise. */
  scale?: number;
  zeroPoint?: number;
  /** Inputs that each run carries state into (`mote convert --carry`): true. Absent otherwise. */
  state?: boolean;
}

/** Thrown for a bad blob, a wrong input, a failed run. The message reads
 *  "Mote: <what>: <status name>: <detail>", e.g.
 *  "Mote: cannot load the model: blob checksum mismatch: CRC32 mismatch: the blob is corrupted". */
export class MoteError extends Error {
  /** The mote_status code (mote/status.h), e.g. 5 for a checksum mismatch. */
  status: number;
  /** mote_status_str(status), e.g. "blob checksum mismatch". */
  statusText: string;
  /** The runtime's one-line detail (mote_model_error / mote_session_error), or the glue's.
   *  mote.wasm is built without the runtime's detail text: there it is '' (the message then ends
   *  with the status name) unless the glue words the error itself. */
  detail: string;
}

/** True when this engine runs WebAssembly SIMD128 (checked with WebAssembly.validate). */
export function simdSupported(): boolean;

export interface MoteLoadOptions {
  /** For a directory source: load mote-simd.wasm (true) or mote.wasm (false).
   *  Default: simdSupported(). */
  simd?: boolean;
}

export declare const Mote: {
  /**
   * Instantiates the runtime. `source` is one of:
   *  - the module's bytes (ArrayBuffer or typed array) or a compiled WebAssembly.Module;
   *  - the URL of a .wasm file (string or URL; in Node also a file: URL or a file path);
   *  - a directory URL (or Node path) holding mote.wasm and mote-simd.wasm: the SIMD build is
   *    picked when the engine supports SIMD128 (see options.simd);
   *  - nothing: the directory mote.js was loaded from.
   * Browsers fetch URLs with fetch(); Node reads file: URLs and paths from disk.
   */
  load(source?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module, options?: MoteLoadOptions): Promise<MoteRuntime>;
  /** The runtime in a worker (Web Worker / worker_threads): the same calls, each a promise. */
  worker(source?: string | URL | ArrayBuffer | ArrayBufferView, options?: MoteLoadOptions): Promise<MoteWorkerRuntime>;
};

export interface MoteRuntime {
  /** True when this instance carries the SIMD128 kernels (mote-simd.wasm). */
  readonly simd: boolean;
  /** The optimised kernel set the module runs: "wasm_simd128" or "reference". */
  readonly kernelSet: string;
  /** Size of the .wasm module in bytes (0 when given a compiled module). */
  readonly wasmBytes: number;
  /** Verifies and loads a blob (a .mote file's bytes; copied into the module's memory).
   *  Throws MoteError when the blob is corrupt, truncated, of another format version or uses
   *  an op this runtime lacks. */
  loadModel(blob: ArrayBuffer | ArrayBufferView): MoteModel;
  /** Fetches a blob (URL, Node file path or a fetch Response), reading the body as a stream
   *  (options.onProgress(loaded, total) per chunk; total 0 when unknown), and loads it. */
  fetchModel(source: string | URL | Response, options?: { onProgress?: (loaded: number, total: number) => void }): Promise<MoteModel>;
  /** Verifies and opens a WordPiece vocabulary (a .motevocab file's bytes, `mote vocab`);
   *  throws MoteError when it is corrupt or malformed. */
  loadVocab(bytes: ArrayBuffer | ArrayBufferView): MoteVocab;
}

export interface MoteTokenizeOptions {
  /** Sequence length: [CLS] + the first maxLength - 2 pieces + [SEP]. Default: the vocabulary's. */
  maxLength?: number;
  /** Pad with [PAD] (attention mask 0) to maxLength. Default true. */
  padding?: boolean;
  /** Add [CLS] and [SEP]. Default true. */
  specialTokens?: boolean;
}

export interface MoteTokens {
  /** Token ids: maxLength of them when padded, else `count`. */
  ids: Int32Array;
  /** 1 for the real tokens, 0 for padding. */
  attentionMask: Int32Array;
  /** All 0 (one segment). */
  tokenTypeIds: Int32Array;
  /** The real tokens written ([CLS] and [SEP] included). */
  count: number;
  /** The tokens the untruncated text has: more than `count` when it was truncated. */
  needed: number;
}

/** A verified WordPiece vocabulary with BERT's tokenization (docs/text.md). */
export interface MoteVocab {
  /** Token ids are [0, size). */
  readonly size: number;
  /** The default sequence length. */
  readonly maxLength: number;
  readonly lowerCase: boolean;
  readonly stripAccents: boolean;
  /** Special token ids; mask is -1 when the vocabulary has no [MASK]. */
  readonly special: { unk: number; cls: number; sep: number; pad: number; mask: number };
  /** Tokenizes text (a string, or UTF-8 bytes: invalid bytes are dropped as U+FFFD is). */
  tokenize(text: string | Uint8Array, options?: MoteTokenizeOptions): MoteTokens;
  /** A token's text; undefined for an id out of range. */
  token(id: number): string | undefined;
  /** The id of a token's exact text, or -1. */
  find(token: string): number;
  /** Returns the vocabulary's memory to the runtime. */
  dispose(): void;
}

/** A tensor: its data, its dimensions and its dtype (as in MoteTensorInfo). */
export interface MoteTensor {
  data: MoteTypedArray | number[];
  dims?: number[];
  dtype?: string;
}

export interface MoteModel {
  readonly inputs: MoteTensorInfo[];
  readonly outputs: MoteTensorInfo[];
  /** Bytes of the arena the model runs in (the converter's plan). */
  readonly arenaBytes: number;
  /**
   * Runs the model. Every input must be given, by name, as a typed array of its dtype
   * (Float32Array for float32, Int8Array for int8, ...) or a plain array of numbers, with
   * exactly the input's element count; otherwise MoteError. State inputs (`state: true`) may be
   * left out: they keep what the last run carried into them. Returns a new typed array per
   * output, by name.
   */
  run(feeds: Record<string, MoteTypedArray | number[]>): Record<string, MoteTypedArray>;
  /** run() with tensors: feeds as typed arrays or { data, dims } (dims checked against the
   *  input's shape); outputs as { data, dims, dtype }. */
  runTensors(feeds: Record<string, MoteTypedArray | number[] | MoteTensor>): Record<string, MoteTensor>;
  /** Zeroes the state inputs (`mote convert --carry`): the next run starts a new stream. */
  resetState(): void;
  /** The WordPiece vocabulary the blob carries (`mote convert --vocab`), or null. */
  readonly vocab: MoteVocab | null;
  /** Tokenizes text with the blob's vocabulary (MoteError when it has none). */
  tokenize(text: string | Uint8Array, options?: MoteTokenizeOptions): MoteTokens;
  /** Returns the model's memory to the runtime; the model cannot run afterwards. */
  dispose(): void;
}

/** Mote.worker(): a runtime in a worker. */
export interface MoteWorkerRuntime {
  readonly simd: boolean;
  readonly kernelSet: string;
  readonly wasmBytes: number;
  loadModel(blob: ArrayBuffer | ArrayBufferView): Promise<MoteWorkerModel>;
  /** Stops the worker; pending calls reject. */
  terminate(): Promise<number>;
}

export interface MoteWorkerModel {
  readonly inputs: MoteTensorInfo[];
  readonly outputs: MoteTensorInfo[];
  readonly arenaBytes: number;
  run(feeds: Record<string, MoteTypedArray | number[]>): Promise<Record<string, MoteTypedArray>>;
  runTensors(feeds: Record<string, MoteTypedArray | number[] | MoteTensor>): Promise<Record<string, MoteTensor>>;
  resetState(): Promise<void>;
  /** Tokenizes with the blob's vocabulary (`mote convert --vocab`), in the worker. */
  tokenize(text: string | Uint8Array, options?: MoteTokenizeOptions): Promise<MoteTokens>;
  dispose(): Promise<void>;
}
