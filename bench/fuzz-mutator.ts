// A seeded mutator for binary files with a JSON header: bit flips, byte and u32 changes,
// truncation, extension, splices from other files, and edits of the JSON metadata written back
// with the format's sizes and checksum fixed, so that mutated files get past the checksum and
// reach every check of the parser. Deterministic for a given Random: a failure is replayed from
// its seed and index.
import { Random } from '../src/tensor/random.js';

/** What the mutator needs to know about a file format. */
export interface FileFormat {
  /** The file's JSON metadata as text, or null when there is none or it cannot be found. */
  readJson?(bytes: Uint8Array): string | null;
  /** The file with `json` as its metadata, header sizes and checksum made consistent. */
  writeJson?(bytes: Uint8Array, json: string): Uint8Array;
  /** The file with its checksum recomputed (nothing else), so byte changes reach the parser. */
  fixChecksum?(bytes: Uint8Array): Uint8Array;
  /** Offsets of header fields (u32) worth setting to sizes, and their byte order. */
  headerFields?: { offsets: number[]; littleEndian: boolean };
}

export interface Mutant { bytes: Uint8Array; ops: string[] }

const DEEP = '@@deep@@';
const CHARS = '{}[]",:0-e.\\x'; // what breaks JSON text in interesting places
const INTERESTING_U32 = [0, 1, 2, 3, 4, 7, 8, 255, 256, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const INTERESTING_JSON: unknown[] = [
  0, -1, 1, 2, 3, 4, 7, 8, 9, 31, 32, 33, 0.5, -0.5, 1024, 4194304, 4194305, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53, -(2 ** 53),
  1e308, -1e308, 5e-324, '', 'x', 'x'.repeat(300), '__proto__', 'constructor', 'symmetric', 'unit', 'steSign', 'steLinear', 'steLog',
  'identity', 'threshold', 'scores', 'bits', 'pixels8', 'lowbit-packed', 'Sequential', 'QuantDense', 'Dense', 'BatchNorm',
  'ShiftBatchNorm', 'Dropout', 'HardTanh', 'adam', 'shiftAdaMax', null, true, false, [], {}, [0, 0, 0, 0], [1, 2, 3], [1, 2, 3, 4, 5],
  { name: 'steSign', apply: 'x', bits: 1, binary: true }, { name: 'steLinear', bits: 1, lo: -1e308, hi: 1e308 },
  { type: 'Sequential', layers: [] }, { type: 'BatchNorm', features: 2 ** 32 }, { type: 'QuantDense', inFeatures: 8192, outFeatures: 8192 },
  { length: 1e9 }, { bits: 1, lo: 1, hi: -1 }, { offset: 0, bytes: 0 }, { name: 'w', offset: 0, length: 2 ** 40 }, DEEP,
];

/** 1 to 4 stacked mutations of `input`; `corpus` gives material to splice in. */
export function mutate(rng: Random, input: Uint8Array, corpus: readonly Uint8Array[], format: FileFormat): Mutant {
  let bytes: Uint8Array = input.slice();
  const ops: string[] = [];
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const kind = rng.int(format.readJson ? 10 : 8);
    bytes = kind >= 8 ? editJson(rng, bytes, format, ops) : mutateBytes(kind, rng, bytes, corpus, format, ops);
  }
  if (format.fixChecksum && rng.uniform() < 0.6) { bytes = format.fixChecksum(bytes); ops.push('fixChecksum'); }
  return { bytes, ops };
}

function mutateBytes(kind: number, rng: Random, b: Uint8Array, corpus: readonly Uint8Array[], format: FileFormat, ops: string[]): Uint8Array {
  const at = (): number => rng.int(Math.max(b.length, 1));
  switch (kind) {
    case 0: { if (b.length === 0) return b; const p = at(), bit = rng.int(8); b[p]! ^= 1 << bit; ops.push(`flip ${p}.${bit}`); return b; }
    case 1: { if (b.length === 0) return b; const p = at(), v = rng.uniform() < 0.5 ? [0, 1, 0x7f, 0x80, 0xff][rng.int(5)]! : rng.int(256); b[p] = v; ops.push(`byte ${p}=${v}`); return b; }
    case 2: { // a u32 header field (or any aligned word) set to an interesting value or a size of this file
      const fields = format.headerFields, le = fields?.littleEndian ?? rng.uniform() < 0.5;
      const p = fields && rng.uniform() < 0.7 ? fields.offsets[rng.int(fields.offsets.length)]! : 4 * rng.int(Math.max(1, b.length >> 2));
      if (p + 4 > b.length) return b;
      const sizes = [b.length, b.length - 1, b.length + 1, b.length - p, b.length - p - 4, (b.length - 16) >> 2];
      const v = (rng.uniform() < 0.5 ? INTERESTING_U32[rng.int(INTERESTING_U32.length)]! : sizes[rng.int(sizes.length)]!) >>> 0;
      new DataView(b.buffer, b.byteOffset).setUint32(p, v, le); ops.push(`u32 ${p}=${v}`); return b;
    }
    case 3: { const len = rng.int(b.length + 1); ops.push(`truncate ${len}`); return b.slice(0, len); }
    case 4: { // extend with zeros, random bytes or a copy of the tail
      const extra = new Uint8Array(1 + rng.int(64)), how = rng.int(3);
      if (how === 1) for (let i = 0; i < extra.length; i++) extra[i] = rng.int(256);
      if (how === 2) extra.set(b.subarray(Math.max(0, b.length - extra.length)));
      ops.push(`extend ${extra.length}`); return concat(b, extra);
    }
    case 5: { // splice a chunk of another file (or this one) over or into this one
      const from = corpus[rng.int(corpus.length)]!, len = 1 + rng.int(Math.min(256, Math.max(1, from.length))), src = rng.int(Math.max(1, from.length - len + 1));
      const chunk = from.subarray(src, src + len), p = at();
      ops.push(`splice ${chunk.length}@${p}`);
      if (rng.uniform() < 0.5) { const out = b.slice(); out.set(chunk.subarray(0, Math.max(0, out.length - p)), p); return out; }
      return concat(concat(b.subarray(0, p), chunk), b.subarray(p));
    }
    case 6: { const p = at(), len = 1 + rng.int(64); ops.push(`delete ${len}@${p}`); return concat(b.subarray(0, p), b.subarray(p + len)); }
    default: { const p = at(), len = 1 + rng.int(64); ops.push(`duplicate ${len}@${p}`); return concat(concat(b.subarray(0, p + len), b.subarray(p, p + len)), b.subarray(p + len)); }
  }
}

/** Edit the JSON metadata: a value replaced, a key removed or renamed, a subtree copied
 *  elsewhere, deep nesting, or a broken text; written back with sizes and checksum fixed. */
function editJson(rng: Random, bytes: Uint8Array, format: FileFormat, ops: string[]): Uint8Array {
  const text = format.readJson!(bytes);
  if (text === null) return bytes;
  let value: unknown;
  try { value = JSON.parse(text); } catch { value = undefined; }
  let out: string | null = null;
  if (value !== undefined && rng.uniform() >= 0.1) {
    try { out = editValue(rng, value, ops); } catch { out = null; } // an earlier edit nested it too deep to copy
  }
  if (out === null) { // text-level: a random character in, or a cut
    const p = rng.int(text.length + 1), c = CHARS[rng.int(CHARS.length)]!;
    out = rng.uniform() < 0.5 ? text.slice(0, p) + c + text.slice(p) : text.slice(0, p);
    ops.push(`json text@${p}`);
  }
  return format.writeJson!(bytes, out);
}

function editValue(rng: Random, value: unknown, ops: string[]): string | null {
  {
    const slots = places(value);
    if (slots.length === 0) return null;
    const [parent, key] = slots[rng.int(slots.length)]!;
    const how = rng.int(10);
    const was = parent[key];
    if (typeof was === 'number' && how < 4) { // a size or count near, or far from, what it was
      const v = [was + 1, was - 1, was * 2, was * 256, was * 65536, -was, was / 2, 2 ** 31, 2 ** 32, 2 ** 53, 1e308][rng.int(11)]!;
      parent[key] = v; ops.push(`json ${String(key)}: ${was}→${v}`);
    } else if (how < 6) {
      const v = INTERESTING_JSON[rng.int(INTERESTING_JSON.length)];
      parent[key] = structuredClone(v); ops.push(`json ${String(key)}=${typeof v === 'string' ? v.slice(0, 12) : JSON.stringify(v)?.slice(0, 30)}`);
    } else if (how === 6) { delete parent[key]; ops.push(`json delete ${String(key)}`); }
    else if (how === 7) { const [p2, k2] = slots[rng.int(slots.length)]!; parent[key] = structuredClone(p2[k2]); ops.push(`json ${String(key)}=copy of ${String(k2)}`); }
    else if (how === 8 && !Array.isArray(parent)) { const v = parent[key]; delete parent[key]; parent[`${String(key)}_`] = v; ops.push(`json rename ${String(key)}`); }
    else { const v = parent[key]; parent[key] = Array.isArray(v) ? [...v, ...v] : [v, v]; ops.push(`json double ${String(key)}`); }
    let out = JSON.stringify(value);
    if (out.includes(JSON.stringify(DEEP))) {
      const levels = [65, 300, 5000, 20000][rng.int(4)]!;
      out = out.replace(JSON.stringify(DEEP), '['.repeat(levels) + ']'.repeat(levels)); ops.push(`deep ${levels}`);
    }
    return out;
  }
}

type Container = Record<string | number, unknown>;

/** Every (container, key) of a JSON value, up to a few thousand. */
function places(root: unknown): [Container, string | number][] {
  const out: [Container, string | number][] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0 && out.length < 4000) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const k of Object.keys(v)) { out.push([v as Container, Array.isArray(v) ? Number(k) : k]); stack.push((v as Container)[k]); }
  }
  return out;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}
