// Mote's WordPiece tokenizer against Hugging Face's tokenizers.js (the tokenizer of
// transformers.js: BertNormalizer, BertPreTokenizer, WordPiece, BertProcessing), on the same
// vocabulary and a generated corpus of 100,000+ strings: Debian's word lists (English, French,
// German) in several cases and separators, punctuation, accents and combining marks, Greek and
// Cyrillic (final sigma), CJK, kana and Hangul, emoji sequences, numbers, control and invisible
// characters, random code points, over-long words, special-token look-alikes and invalid UTF-8.
// Every string is compared in full (ids, attention mask, token type ids and the untruncated
// length) and padded/truncated to 24; four normaliser settings. 0 differences required.
//
//   node tokenizer_reference.mjs MOTE_CLI TOKENIZE_BATCH WORK_DIR [STRINGS]
//
// Deliberate difference (docs/text.md): tokenizers.js looks for CJK ideographs one UTF-16 unit
// at a time, so it never splits the supplementary-plane ideographs BERT's ranges include; Mote
// does, as BERT does. The reference is handed those characters with spaces around them, which
// is what BERT's own CJK step inserts. Invalid UTF-8 reaches the reference through the WHATWG
// decoder (each maximal invalid subpart one U+FFFD), as text from a browser or Node would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [mote, batch, work, countArg] = process.argv.slice(2);
if (!work) {
  console.error('usage: node tokenizer_reference.mjs MOTE_CLI TOKENIZE_BATCH WORK_DIR [STRINGS]');
  process.exit(2);
}
const require = createRequire(join(here, 'package.json'));
let Tokenizer;
try {
  ({ Tokenizer } = require('@huggingface/tokenizers'));
} catch (e) {
  console.error('@huggingface/tokenizers is not installed (tools/install_deps.sh installs it into tests/text): skipped');
  process.exit(77);
}
const lists = ['american-english', 'french', 'ngerman'].map((f) => `/usr/share/dict/${f}`);
for (const f of lists) {
  if (!existsSync(f)) {
    console.error(`${f} is missing (Debian's wamerican, wfrench, wngerman; tools/install_deps.sh): skipped`);
    process.exit(77);
  }
}
mkdirSync(work, { recursive: true });
const N = Number(countArg || 100000);

// ---- a seeded generator ------------------------------------------------------------------------
let seed = 0x6d6f7465;
function rand() {  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const range = (a, b) => String.fromCodePoint(a + int(b - a + 1));
const chars = (s) => [...s];

const words = lists.map((f) => readFileSync(f, 'utf8').split('\n').filter((w) => w.length > 0));
const allWords = words.flat();

// ---- the vocabulary: specials, characters, whole words, frequent prefixes and suffixes ----------
const strip = (s) => s.normalize('NFD').replace(/\p{Mn}/gu, '');
const norm = (w) => strip(w.toLowerCase());
const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const seen = new Set(vocab);
const add = (t) => {
  if (t && !/\s/u.test(t) && !seen.has(t)) {
    seen.add(t);
    vocab.push(t);
  }
};
const letters = [];
const span = (a, b) => { for (let c = a; c <= b; c++) letters.push(String.fromCodePoint(c)); };
span(0x61, 0x7a); span(0x30, 0x39); span(0xdf, 0xff); span(0x3b1, 0x3c9); span(0x430, 0x44f); span(0x450, 0x45f);
span(0x1100, 0x1112); span(0x1161, 0x1175); span(0x11a8, 0x11c2); span(0x3041, 0x3096); span(0x30a1, 0x30fa);
span(0x4e00, 0x4f2b); span(0x1f600, 0x1f60f); span(0x101, 0x17f);
for (const c of letters) { add(c); add('##' + c); }
for (let c = 33; c < 127; c++) if (!/[\p{L}\p{N}]/u.test(String.fromCharCode(c))) add(String.fromCharCode(c));
for (const p of '«»“”‘’—–…¿¡·、。「」《》！？，：；（）•†‡§¶©®°±×÷') add(p);
for (let i = 0; i < 2500; i++) add(norm(pick(allWords)));
const suffixes = new Map(), prefixes = new Map();
for (let i = 0; i < 60000; i++) {
  const w = chars(norm(pick(allWords)));
  for (let k = 2; k <= 5 && k < w.length; k++) {
    const s = w.slice(-k).join(''), p = w.slice(0, k).join('');
    suffixes.set(s, (suffixes.get(s) || 0) + 1);
    prefixes.set(p, (prefixes.get(p) || 0) + 1);
  }
}
const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map((e) => e[0]);
for (const s of top(suffixes, 700)) add('##' + s);
for (const p of top(prefixes, 400)) add(p);
for (let i = 0; i < 300; i++) add(pick(allWords));  // cased and accented forms, for the cased settings
for (let i = 0; i < 300; i++) add(pick(words[1]).toLowerCase());
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÉÖÜΑΣΩАЯ') { add(c); add('##' + c); }
add('##ς'); add('ς'); add('##σ'); add('i̇'); add('##̇');
const vocabTxt = join(work, 'vocab.txt');
writeFileSync(vocabTxt, vocab.join('\n') + '\n');

// ---- the corpus --------------------------------------------------------------------------------
const spaces = [' ', ' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028', '\u2029', '\u202f', '\u2003', '\u1680', '\u205f', '\u000b', '\u000c', '\u0085'];
const puncts = chars(',.!?;:"\'()-_@#$%&*/\\~`^|+=<>[]{}') .concat(chars('«»“”‘’—–…¿¡·、。「」《》！？，：；（）•†‡§¶©®°±×÷'));
const marks = () => range(0x300, 0x36f);
function caseWord(w) {
  const r = rand();
  if (r < 0.5) return w;
  if (r < 0.72) return w.charAt(0).toUpperCase() + w.slice(1);
  if (r < 0.9) return w.toUpperCase();
  return chars(w).map((c) => (rand() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}
function sentence(n, word) {
  let s = rand() < 0.1 ? pick(spaces) : '';
  for (let i = 0; i < n; i++) {
    if (i) s += rand() < 0.8 ? ' ' : pick(spaces);
    if (rand() < 0.1) s += pick(puncts);
    s += word();
    if (rand() < 0.25) s += pick(puncts);
  }
  return s + (rand() < 0.1 ? pick(spaces) : '');
}
const greekUpper = () => range(0x391, 0x3a9).replace('\u03a2', 'Σ');
const greekWord = () => {
  let w = '';
  const n = 1 + int(8);
  for (let i = 0; i < n; i++) w += rand() < 0.5 ? greekUpper() : range(0x3b1, 0x3c9);
  if (rand() < 0.6) w += 'Σ';
  if (rand() < 0.4) w += pick(['\u0301', "'", '.', ':', '\u00b7', '\u2019', '\u0345', '\u00ad', '\u200b', '\u0308\u0301', 'Σ']);
  if (rand() < 0.3) w += pick(['Α', 'ά', '1', ' ', '中', '\u{20001}', '']);
  return w;
};
const generators = [
  [30, () => sentence(1 + int(12), () => caseWord(pick(allWords)))],
  [8, () => sentence(1 + int(8), () => {
    let w = caseWord(pick(pick(words.slice(1))));
    if (rand() < 0.3) w = w.normalize('NFD');
    if (rand() < 0.3) w += marks();
    if (rand() < 0.3) w += range(0xc0, 0x24f) + range(0x1e00, 0x1eff);
    return w;
  })],
  [8, () => sentence(1 + int(8), () => (rand() < 0.5 ? greekWord() :
    chars('x'.repeat(1 + int(8))).map(() => (rand() < 0.3 ? range(0x400, 0x42f) : rand() < 0.8 ? range(0x430, 0x45f) : range(0x460, 0x52f))).join('') +
    (rand() < 0.2 ? range(0x1f00, 0x1fff) : '')))],
  [8, () => {
    let s = '';
    const n = 1 + int(20);
    for (let i = 0; i < n; i++) {
      s += pick([() => range(0x4e00, 0x9fff), () => range(0x3400, 0x4dbf), () => range(0xf900, 0xfaff), () => range(0x20000, 0x2a6df),
        () => range(0x2f800, 0x2fa1f), () => range(0x2a700, 0x2ceaf), () => range(0x3041, 0x30ff), () => range(0xac00, 0xd7a3),
        () => range(0xff01, 0xff5e), () => range(0x3000, 0x303f), () => ' ', () => caseWord(pick(words[0]))])();
    }
    return s;
  }],
  [6, () => sentence(1 + int(6), () => pick([
    () => range(0x1f300, 0x1faff), () => range(0x1f600, 0x1f64f) + range(0x1f3fb, 0x1f3ff), () => '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}',
    () => range(0x1f1e6, 0x1f1ff) + range(0x1f1e6, 0x1f1ff), () => range(0x2600, 0x27bf) + '\ufe0f', () => '#\ufe0f\u20e3',
    () => caseWord(pick(words[0])) + range(0x1f600, 0x1f60f)])())],
  [6, () => sentence(1 + int(8), () => pick([
    () => String(int(100000)), () => (rand() * 1000).toFixed(int(4)), () => `${int(1000)},${String(int(1000)).padStart(3, '0')}.${int(100)}`,
    () => `${1 + int(28)}/${1 + int(12)}/${1900 + int(200)}`, () => `${int(24)}:${String(int(60)).padStart(2, '0')}`,
    () => `+${int(100)} ${int(1e6)}-${int(1e4)}`, () => range(0x660, 0x669) + range(0x660, 0x669), () => range(0xff10, 0xff19),
    () => range(0x2160, 0x217f), () => pick(['½', '²', '³', '¼', '⅓', '№', '℃', 'Å', 'K', 'ﬁ', 'İstanbul', 'ǅ', 'ǈ'])])())],
  [6, () => sentence(1 + int(8), () => {
    const w = caseWord(pick(allWords));
    const k = int(w.length + 1);
    const inv = pick([() => range(0, 0x1f), () => '\u007f', () => range(0x80, 0x9f), () => range(0x200b, 0x200f), () => range(0x2060, 0x2064),
      () => '\ufeff', () => '\u00ad', () => range(0xe000, 0xf8ff), () => range(0xf0000, 0xf00ff), () => '\u0000', () => '\ufffd',
      () => range(0xe0001, 0xe007f), () => range(0xfff9, 0xfffb), () => range(0x600, 0x605)])();
    return w.slice(0, k) + inv + w.slice(k);
  })],
  [8, () => {
    let s = '';
    const n = 1 + int(30);
    for (let i = 0; i < n; i++) {
      let cp = rand() < 0.85 ? int(0x10000) : 0x10000 + int(0x30000);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x20;
      s += String.fromCodePoint(cp);
    }
    return s;
  }],
  [4, () => {
    const n = 95 + int(12);
    let w = '';
    for (let i = 0; i < n; i++) w += pick(['a', 'e', 'r', 's', 't', 'é', 'ß', 'ö', 'ς', '中', 'x']) + (rand() < 0.05 ? marks() : '');
    return pick(['', 'the ', '¡']) + w + pick(['', ' end', '!']);
  }],
  [2, () => sentence(1 + int(6), () => pick(['[CLS]', '[SEP]', '[PAD]', '[UNK]', '[MASK]', '##ing', '##', '#', caseWord(pick(words[0]))]))],
];
const invalid = [
  () => Buffer.from([0x80 + int(0x80)]),
  () => Buffer.from(pick(['é', '中', '😀', 'ǅ', '\u{10ffff}'])).subarray(0, 1 + int(2)),
  () => Buffer.from(pick([[0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf]])),
  () => Buffer.from(pick([[0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0xfe, 0xff]])),
  () => Buffer.from(Array.from({ length: 1 + int(6) }, () => int(256))),
];
const total = generators.reduce((a, g) => a + g[0], 0);
function generate() {
  let r = int(total);
  for (const [w, g] of generators) {
    if (r < w) return g();
    r -= w;
  }
  return '';
}
const corpus = [];
for (let i = 0; i < N; i++) {
  let b = Buffer.from(generate(), 'utf8');
  if (i % 10 === 7) {  // invalid UTF-8 in one string of ten
    const parts = [];
    const n = 1 + int(3);
    let at = 0;
    for (let k = 0; k < n; k++) {
      const cut = at + int(b.length - at + 1);
      parts.push(b.subarray(at, cut), pick(invalid)());
      at = cut;
    }
    parts.push(b.subarray(at));
    b = Buffer.concat(parts);
  }
  corpus.push(b);
}
corpus.push(Buffer.alloc(0), Buffer.from(' \t\n'), Buffer.from('\u00ad\u200b'), Buffer.from([0xff, 0xfe]));
const stringsBin = join(work, 'strings.bin');
{
  const head = Buffer.alloc(4);
  head.writeUInt32LE(corpus.length);
  const parts = [head];
  for (const b of corpus) {
    const l = Buffer.alloc(4);
    l.writeUInt32LE(b.length);
    parts.push(l, b);
  }
  writeFileSync(stringsBin, Buffer.concat(parts));
}

// ---- the comparison ----------------------------------------------------------------------------
const decoder = new TextDecoder('utf-8');
const supplementaryCjk = /[\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{2F800}-\u{2FA1F}]/gu;
const ids = new Map(vocab.map((t, i) => [t, i]));
const settings = [
  { name: 'uncased', flags: [], lowercase: true, strip_accents: null, strings: corpus.length },
  { name: 'cased', flags: ['--no-lower-case'], lowercase: false, strip_accents: null, strings: 20000 },
  { name: 'lower-keep-accents', flags: ['--no-strip-accents'], lowercase: true, strip_accents: false, strings: 20000 },
  { name: 'cased-strip-accents', flags: ['--no-lower-case', '--strip-accents'], lowercase: false, strip_accents: true, strings: 20000 },
];
function readResults(path, n) {
  const b = readFileSync(path);
  const out = [];
  let at = 0;
  for (let s = 0; s < n; s++) {
    const count = b.readUInt32LE(at), needed = b.readUInt32LE(at + 4), written = b.readUInt32LE(at + 8);
    at += 12;
    const arr = (k) => Array.from(new Int32Array(b.buffer.slice(b.byteOffset + at + k * 4 * written, b.byteOffset + at + (k + 1) * 4 * written)));
    out.push({ count, needed, ids: arr(0), mask: arr(1), types: arr(2) });
    at += 12 * written;
  }
  return out;
}
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
let compared = 0, differences = 0;
const shown = [];
for (const st of settings) {
  const table = join(work, `${st.name}.motevocab`);
  execFileSync(mote, ['vocab', vocabTxt, '-o', table, '--max-len', '512', ...st.flags], { stdio: 'pipe' });
  const n = Math.min(st.strings, corpus.length);
  if (n < corpus.length) {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(n);
    const parts = [head];
    for (const b of corpus.slice(0, n)) {
      const l = Buffer.alloc(4);
      l.writeUInt32LE(b.length);
      parts.push(l, b);
    }
    writeFileSync(join(work, `strings-${st.name}.bin`), Buffer.concat(parts));
  }
  const input = n < corpus.length ? join(work, `strings-${st.name}.bin`) : stringsBin;
  const fullPath = join(work, `${st.name}-full.bin`), padPath = join(work, `${st.name}-24.bin`);
  execFileSync(batch, [table, input, '512', '1', fullPath], { stdio: 'inherit' });
  execFileSync(batch, [table, input, '24', '0', padPath], { stdio: 'inherit' });
  const full = readResults(fullPath, n), padded = readResults(padPath, n);
  const tokenizer = new Tokenizer({
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: st.strip_accents, lowercase: st.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', ids.get('[SEP]')], cls: ['[CLS]', ids.get('[CLS]')] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(ids) },
  }, {});
  let diff = 0;
  for (let s = 0; s < n; s++) {
    const text = decoder.decode(corpus[s]).replace(supplementaryCjk, ' $& ');
    const ref = tokenizer.encode(text, { return_token_type_ids: true });
    const refIds = ref.ids.length <= 512 ? ref.ids : [...ref.ids.slice(0, 511), ids.get('[SEP]')];
    const refTypes = ref.token_type_ids.slice(0, refIds.length);
    const mine = full[s];
    let ok = mine.needed === ref.ids.length && same(mine.ids, refIds) && same(mine.types, refTypes) && mine.mask.every((v) => v === 1) &&
             mine.count === refIds.length;
    // padded and truncated to 24: [CLS] + the first 22 pieces + [SEP], then [PAD] (mask 0)
    const cut = ref.ids.length <= 24 ? ref.ids : [...ref.ids.slice(0, 23), ids.get('[SEP]')];
    const want = [...cut, ...Array(24 - cut.length).fill(ids.get('[PAD]'))];
    const wantMask = want.map((_, i) => (i < cut.length ? 1 : 0));
    const p = padded[s];
    ok = ok && p.count === cut.length && p.needed === ref.ids.length && same(p.ids, want) && same(p.mask, wantMask) && p.types.every((v) => v === 0);
    if (!ok) {
      diff++;
      if (shown.length < 12) {
        shown.push(`${st.name} string ${s} ${JSON.stringify(text)} bytes ${corpus[s].toString('hex')}\n  reference ${JSON.stringify(ref.tokens)}\n  mote      ${JSON.stringify(mine.ids.map((i) => vocab[i]))} (needed ${mine.needed})`);
      }
    }
  }
  console.log(`${st.name}: ${n} strings, ${diff} differences`);
  compared += n;
  differences += diff;
}
for (const s of shown) console.log(s);
console.log(`vocabulary ${vocab.length} tokens; ${compared} tokenizations compared (${corpus.length} strings), ${differences} differences`);
process.exit(differences === 0 ? 0 : 1);
