// Reads numpy .npy files (version 1-3, little-endian, C order) in Node: { shape, data } with data a
// typed array of the file's dtype. The example (run.mjs) and Mote's tests share it.
import { readFileSync } from 'node:fs';

const TYPES = {
  '<f4': Float32Array, '<f2': Uint16Array, '|i1': Int8Array, '|u1': Uint8Array, '|b1': Uint8Array,
  '<i2': Int16Array, '<u2': Uint16Array, '<i4': Int32Array, '<u4': Uint32Array, '<i8': BigInt64Array,
};

export function parseNpy(bytes) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error('not a .npy file');
  const major = buf[6];
  const headerLen = major >= 2 ? buf.readUInt32LE(8) : buf.readUInt16LE(8);
  const start = (major >= 2 ? 12 : 10) + headerLen;
  const header = buf.toString('latin1', major >= 2 ? 12 : 10, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error('.npy in Fortran order: save it C-ordered');
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const Type = TYPES[descr];
  if (!Type) throw new Error(`unsupported .npy dtype ${descr}`);
  const body = buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.byteLength);
  return { shape, data: new Type(body) };
}

export function readNpy(path) {
  return parseNpy(readFileSync(path));
}
