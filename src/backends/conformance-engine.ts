import type { KernelName, Kernels, ScoreDot } from './kernels.js';

/** The packed-inference kernels (kernels.ts, "packed inference"). */
export type EngineKernelName = Extract<KernelName, 'prepareBinaryWeights' | 'binaryProduct' | 'prepareBinaryThreshold'
  | 'binaryThreshold' | 'preparePixelWeights' | 'pixelProduct' | 'preparePixelThreshold' | 'pixelThreshold' | 'freePrepared'
  | 'packPlanes' | 'combinePlanes'
  | 'combinePixelProducts' | 'packCodes' | 'scoreRows'>;
/** A check of some of them on a backend; `name` labels its failures. Rejects on the first difference. */
export type EngineCheck = (backend: Kernels, name: string) => Promise<void>;

/** Check a backend's packed-inference kernels against plain versions written here from their
 *  definitions, on seeded random inputs of awkward sizes: k around word boundaries, one row, no
 *  rows, layers narrower and wider than 128 columns (the wasm backend's sliced layout).
 *  Everything goes through the contract (fromArray, alloc, await read), so an asynchronous
 *  backend runs it as it is, and nothing but the contract is imported, so a browser page runs it
 *  too. All results must match exactly; the first difference throws, naming the backend, kernel,
 *  seed, shape and index. @example await runEngineConformance('wasm', wasm) */
export async function runEngineConformance(name: string, backend: Kernels): Promise<void> {
  for (const check of new Set(Object.values(engineChecks))) await check(backend, name);
}

/** The prepared layouts and the products that read them, one check for the lot (a layout is
 *  only observable through its product); the bit-planes of the same pixels beside them. */
const checkPrepared: EngineCheck = async (k, name) => {
  const at = (what: string) => `${name}: ${what}`;
  const SHAPES = [[0, 5, 33], [1, 1, 1], [3, 7, 31], [2, 40, 64], [5, 130, 65], [4, 200, 1000], [1, 256, 784], [6, 64, 27], [9, 22, 75], [300, 64, 27], [600, 40, 100]] as const;
  for (const [s, [m, n, depth]] of SHAPES.entries()) {
    const seed = 100 + s, rng = random(seed), words = Math.ceil(depth / 32), shape = `seed ${seed} m=${m} n=${n} k=${depth}`;
    const a = packed(rng, m, depth), b = packed(rng, n, depth), x = Uint8Array.from({ length: m * depth }, () => (rng() < 0.3 ? 0 : Math.floor(rng() * 256)));
    const dots = plainXnor(a, b, m, n, depth);

    const w = k.prepareBinaryWeights(k.fromArray(b.slice()), n, depth);
    const c = k.alloc('i32', m * n);
    k.binaryProduct(k.fromArray(a.slice()), w, c, m);
    same(await k.read(c), dots, at(`binaryProduct ${shape}`));

    const lim = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * 2.2 * depth));
    const flip = Uint32Array.from({ length: Math.ceil(n / 32) }, (_, i) => tail(randomWord(rng), n - 32 * i));
    const t = k.prepareBinaryThreshold(w, k.fromArray(lim.slice()), k.fromArray(flip.slice()));
    const bits = k.alloc('u32', m * Math.ceil(n / 32));
    k.binaryThreshold(k.fromArray(a.slice()), t, bits, m);
    same(await k.read(bits), plainThreshold(dots, m, n, lim, flip), at(`binaryThreshold ${shape}`));

    const pw = k.preparePixelWeights(k.fromArray(b.slice()), n, depth);
    const pc = k.alloc('i32', m * n);
    k.pixelProduct(k.fromArray(x.slice()), pw, pc, m);
    same(await k.read(pc), plainPixel(x, b, m, n, depth), at(`pixelProduct ${shape}`));
    // mostly background, as digits are (a backend may take another kernel for such images)
    const xs = Uint8Array.from({ length: m * depth }, () => (rng() < 0.9 ? 0 : Math.floor(rng() * 256)));
    k.pixelProduct(k.fromArray(xs.slice()), pw, pc, m);
    same(await k.read(pc), plainPixel(xs, b, m, n, depth), at(`pixelProduct (sparse images) ${shape}`));

    // pixelThreshold: thresholdPack(base + scale·S) of the same products, both kinds of image
    const scale = s % 2 === 0 ? -2 : -1, span = 255 * depth;
    const base = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * span));
    const pLim = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * span));
    const pt = k.preparePixelThreshold(pw, k.fromArray(base.slice()), scale, k.fromArray(pLim.slice()), k.fromArray(flip.slice()));
    for (const [images, kind] of [[x, 'dense'], [xs, 'sparse']] as const) {
      const v = plainPixel(images, b, m, n, depth).map((dot, i) => base[i % n]! + scale * dot);
      k.pixelThreshold(k.fromArray(images.slice()), pt, bits, m);
      same(await k.read(bits), plainThreshold(v, m, n, pLim, flip), at(`pixelThreshold (${kind} images, scale ${scale}) ${shape}`));
    }
    for (const p of [t, pt, w, pw, t]) k.freePrepared(p); // the threshold layouts before their weights; twice is harmless

    const planes = k.alloc('u32', m * 8 * words);
    k.packPlanes(k.fromArray(x.slice()), m, depth, planes);
    same(await k.read(planes), plainPlanes(x, m, depth), at(`packPlanes ${shape}`));
  }

};

/** Plane products combined into T, from XNOR planes or from pixel products. */
const checkCombine: EngineCheck = async (k, name) => {
  const at = (what: string) => `${name}: ${what}`;
  for (const [s, [rows, p, n, q]] of ([[0, 4, 3, 2], [1, 1, 1, 1], [3, 8, 5, 1], [2, 2, 33, 3], [3, 1, 70, 2], [1, 3, 4, 8]] as const).entries()) {
    const seed = 200 + s, rng = random(seed), shape = `seed ${seed} rows=${rows} p=${p} n=${n} q=${q}`;
    // products of k = 1000 inputs: |T| stays far below 2^31 for p + q <= 11 planes
    const c = Int32Array.from({ length: rows * p * n * q }, () => Math.round((rng() - 0.5) * 2000));
    const got = k.alloc('i32', rows * n);
    k.combinePlanes(k.fromArray(c.slice()), rows, p, n, q, got);
    same(await k.read(got), plainCombine(c, rows, p, n, q), at(`combinePlanes ${shape}`));
    const sums = Int32Array.from({ length: n * q }, () => Math.round((rng() - 0.5) * 1000));
    const sp = Int32Array.from({ length: rows * n * q }, () => Math.round((rng() - 0.5) * 100000));
    const pix = k.alloc('i32', rows * n);
    k.combinePixelProducts(k.fromArray(sp.slice()), rows, n, q, k.fromArray(sums.slice()), pix);
    same(await k.read(pix), plainPixelCombine(sp, rows, n, q, sums), at(`combinePixelProducts ${shape}`));
  }

};

/** k-bit output codes as planes. */
const checkCodes: EngineCheck = async (k, name) => {
  const at = (what: string) => `${name}: ${what}`;
  for (const [s, [rows, n, bits]] of ([[0, 5, 2], [1, 1, 2], [3, 33, 2], [2, 70, 3], [4, 31, 4], [1, 65, 8]] as const).entries()) {
    const seed = 300 + s, rng = random(seed), per = 2 ** bits - 1, shape = `seed ${seed} rows=${rows} n=${n} bits=${bits}`;
    const v = Int32Array.from({ length: rows * n }, () => Math.round((rng() - 0.5) * 200));
    const lim = Int32Array.from({ length: n * per }, () => Math.round((rng() - 0.5) * 220));
    const flip = Uint8Array.from({ length: n * per }, () => (rng() < 0.3 ? 1 : 0));
    const out = k.alloc('u32', rows * bits * Math.ceil(n / 32));
    k.packCodes(k.fromArray(v.slice()), rows, n, bits, k.fromArray(lim.slice()), k.fromArray(flip.slice()), out);
    same(await k.read(out), plainCodes(v, rows, n, bits, lim, flip), at(`packCodes ${shape}`));
  }

};

/** The score epilogue, every form of the product, bit for bit; argmax of the scores with ties. */
const checkScores: EngineCheck = async (k, name) => {
  const at = (what: string) => `${name}: ${what}`;
  const forms: ScoreDot[] = [{ kind: 'pixels', symmetric: true }, { kind: 'pixels', symmetric: false },
    { kind: 'levels', a: 1, c: 0 }, { kind: 'levels', a: 1 / 12, c: -0.3 / 7 }];
  for (const [s, dot] of forms.entries()) for (const [rows, n] of [[0, 10], [1, 10], [7, 33]] as const) {
    const seed = 400 + s, rng = random(seed + rows), shape = `seed ${seed} rows=${rows} n=${n} dot ${JSON.stringify(dot)}`;
    const t = Int32Array.from({ length: rows * n }, () => Math.round((rng() - 0.5) * 400000));
    const bsum = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * 1568));
    const affine = Float32Array.from({ length: 5 * n }, (_, i) => (i >= 3 * n && i < 4 * n ? 0.1 + rng() : (rng() - 0.5) * 4));
    const out = k.alloc('f32', rows * n);
    k.scoreRows(k.fromArray(t.slice()), rows, n, k.fromArray(bsum.slice()), dot, k.fromArray(affine.slice()), out);
    same(await k.read(out), plainScores(t, rows, n, bsum, dot, affine), at(`scoreRows ${shape}`));

    // argmaxRows on these scores with ties made on purpose: the first maximum wins
    const scores = plainScores(t, rows, n, bsum, dot, affine);
    for (let r = 0; r < rows; r++) if (n > 3) scores[r * n + 3] = scores[r * n + 1]!;
    const best = k.alloc('i32', rows);
    k.argmaxRows(k.fromArray(scores.slice()), rows, n, best);
    same(await k.read(best), plainArgmax(scores, rows, n), at(`argmaxRows ${shape}`));
  }
};

/** Each packed-inference kernel's check (several share one), for a conformance suite that
 *  wants one test per kernel. */
export const engineChecks: Record<EngineKernelName, EngineCheck> = {
  prepareBinaryWeights: checkPrepared, binaryProduct: checkPrepared, prepareBinaryThreshold: checkPrepared,
  binaryThreshold: checkPrepared, preparePixelWeights: checkPrepared, pixelProduct: checkPrepared,
  preparePixelThreshold: checkPrepared, pixelThreshold: checkPrepared, freePrepared: checkPrepared,
  packPlanes: checkPrepared, combinePlanes: checkCombine, combinePixelProducts: checkCombine, packCodes: checkCodes, scoreRows: checkScores,
};

/** Exactly equal, element by element (Object.is: −0 and 0 differ, as float32 bits do). */
function same(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${what}: index ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

type Rng = () => number;
/** Seeded uniform [0, 1) (an LCG: plenty for test data, and the same on every engine). */
function random(seed: number): Rng {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const randomWord = (rng: Rng): number => (Math.floor(rng() * 2 ** 16) * 2 ** 16 + Math.floor(rng() * 2 ** 16)) >>> 0;
/** Keep the low `valid` bits of a word (all 32 when valid >= 32): tail bits are 0. */
const tail = (word: number, valid: number): number => (valid >= 32 ? word : (word & (2 ** valid - 1)) >>> 0);
const bit = (words: Uint32Array, row: number, rowWords: number, i: number): number => (words[row * rowWords + (i >>> 5)]! >>> (i & 31)) & 1;

function packed(rng: Rng, rows: number, k: number): Uint32Array {
  const words = Math.ceil(k / 32);
  return Uint32Array.from({ length: rows * words }, (_, i) => tail(randomWord(rng), k - 32 * (i % words)));
}

function plainXnor(a: Uint32Array, b: Uint32Array, m: number, n: number, k: number): Int32Array {
  const words = Math.ceil(k / 32), c = new Int32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let p = 0; p < k; p++) dot += bit(a, i, words, p) === bit(b, j, words, p) ? 1 : -1;
    c[i * n + j] = dot;
  }
  return c;
}

function plainThreshold(c: Int32Array, m: number, n: number, lim: Int32Array, flip: Uint32Array): Uint32Array {
  const words = Math.ceil(n / 32), out = new Uint32Array(m * words);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const on = (c[i * n + j]! < lim[j]! ? 1 : 0) ^ bit(flip, 0, words, j);
    if (on) out[i * words + (j >>> 5)] = (out[i * words + (j >>> 5)]! | (1 << (j & 31))) >>> 0;
  }
  return out;
}

function plainPixel(x: Uint8Array, s: Uint32Array, m: number, n: number, k: number): Int32Array {
  const words = Math.ceil(k / 32), c = new Int32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let p = 0; p < k; p++) dot += bit(s, j, words, p) ? -x[i * k + p]! : x[i * k + p]!;
    c[i * n + j] = dot;
  }
  return c;
}

function plainPlanes(x: Uint8Array, count: number, k: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(count * 8 * words);
  for (let img = 0; img < count; img++) for (let b = 0; b < 8; b++) for (let p = 0; p < k; p++) {
    if ((x[img * k + p]! >>> b) & 1) {
      const at = (img * 8 + b) * words + (p >>> 5);
      out[at] = (out[at]! | (1 << (p & 31))) >>> 0;
    }
  }
  return out;
}

function plainCombine(c: Int32Array, rows: number, p: number, n: number, q: number): Int32Array {
  const t = new Int32Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let b = 0; b < p; b++) for (let w = 0; w < q; w++) sum += 2 ** (b + w) * c[(r * p + b) * n * q + j * q + w]!;
    t[r * n + j] = sum;
  }
  return t;
}

function plainPixelCombine(s: Int32Array, rows: number, n: number, q: number, sums: Int32Array): Int32Array {
  const t = new Int32Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let w = 0; w < q; w++) sum += 2 ** w * (255 * sums[j * q + w]! - 2 * s[r * n * q + j * q + w]!);
    t[r * n + j] = sum;
  }
  return t;
}

function plainCodes(v: Int32Array, rows: number, n: number, bits: number, lim: Int32Array, flip: Uint8Array): Uint32Array {
  const words = Math.ceil(n / 32), per = 2 ** bits - 1, out = new Uint32Array(rows * bits * words);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let code = 0;
    for (let i = 0; i < per; i++) code += (v[r * n + j]! < lim[j * per + i]! ? 1 : 0) ^ flip[j * per + i]!;
    for (let b = 0; b < bits; b++) {
      const at = (r * bits + b) * words + (j >>> 5);
      if ((code >>> b) & 1) out[at] = (out[at]! | (1 << (j & 31))) >>> 0;
    }
  }
  return out;
}

/** The float model's expressions (deploy/levels.ts dotValue, deploy/fold-threshold.ts bnValue). */
function plainScores(t: Int32Array, rows: number, n: number, bsum: Int32Array, dot: ScoreDot, affine: Float32Array): Float32Array {
  const out = new Float32Array(rows * n), f = Math.fround;
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    const v = t[r * n + j]!, sum = bsum[j]!, pixelDot = (255 * sum - v) / 2;
    const product = dot.kind === 'levels' ? dot.a * v - dot.c * sum : dot.symmetric ? (2 * pixelDot) / 255 - sum : pixelDot / 255;
    const [bias, gamma, mean, invStd, beta] = [0, 1, 2, 3, 4].map((row) => affine[row * n + j]!) as [number, number, number, number, number];
    out[r * n + j] = f(gamma * (f(f(product) + bias) - mean) * invStd + beta);
  }
  return out;
}

function plainArgmax(x: Float32Array, rows: number, n: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, r) => {
    const row = Array.from(x.subarray(r * n, (r + 1) * n));
    return row.indexOf(Math.max(...row));
  });
}
