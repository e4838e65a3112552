// Renames a module's exports to the short names wasm/mote.js maps back (its SHORT_EXPORTS list:
// the index in the list in base 36), and drops every export the glue does not call (emscripten's
// stackSave, stackRestore, stackAlloc, __indirect_function_table); `memory` stays as it is.
// wasm/build.sh runs it on the module built small (model-small=) before wasm-opt, which then
// removes what only the dropped exports reached.
//
//   node wasm/short_exports.mjs --list            the glue's export names, one a line
//   node wasm/short_exports.mjs IN.wasm OUT.wasm  rewrites the export section
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const glue = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'mote.js'), 'utf8');
const block = /\/\/ short-exports-begin\n([^]*?)\/\/ short-exports-end/.exec(glue);
if (!block) throw new Error('short_exports.mjs: no SHORT_EXPORTS block in mote.js');
const names = [...block[1].matchAll(/'([A-Za-z0-9_]+)'/g)].map((m) => m[1]);

const args = process.argv.slice(2);
if (args[0] === '--list') {
  process.stdout.write(names.join('\n') + '\n');
  process.exit(0);
}
if (args.length !== 2) {
  console.error('usage: node short_exports.mjs --list | IN.wasm OUT.wasm');
  process.exit(2);
}

const bytes = readFileSync(args[0]);
const leb = (at) => {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
};
const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const text = new TextDecoder();
const encode = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];

const parts = [bytes.subarray(0, 8)];
let at = 8;
let renamed = 0;
while (at < bytes.length) {
  const id = bytes[at];
  const [size, body] = leb(at + 1);
  const end = body + size;
  if (id !== 7) {
    parts.push(bytes.subarray(at, end));
    at = end;
    continue;
  }
  let [count, p] = leb(body);
  const kept = [];
  for (let k = 0; k < count; ++k) {
    const [len, q] = leb(p);
    const name = text.decode(bytes.subarray(q, q + len));
    const kind = bytes[q + len];
    const [, r] = leb(q + len + 1);
    const index = bytes.subarray(q + len + 1, r);
    p = r;
    if (name === 'memory' && kind === 2) {
      kept.push([...encode(name), kind, ...index]);
    } else if (kind === 0 && names.includes(name)) {
      kept.push([...encode(names.indexOf(name).toString(36)), kind, ...index]);
      ++renamed;
    } else if (name.startsWith('mote_')) {
      throw new Error(`short_exports.mjs: ${name} is exported but not in mote.js's SHORT_EXPORTS`);
    }
  }
  const section = [...uleb(kept.length), ...kept.flat()];
  parts.push(Buffer.from([7, ...uleb(section.length), ...section]));
  at = end;
}
if (!renamed) throw new Error('short_exports.mjs: no export renamed');
writeFileSync(args[1], Buffer.concat(parts));
