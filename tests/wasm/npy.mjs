// The tests read .npy files with the example's reader (wasm/examples/npy.mjs).
export * from '../../wasm/examples/npy.mjs';
