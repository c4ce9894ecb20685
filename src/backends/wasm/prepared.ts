import { hostArray } from '../host-storage.js';
import type { HostKernels, Prepared, PreparedKind } from '../kernels.js';
import { packSignNibbles, signNibbleWords } from '../reference/pixel-sign-nibbles.js';
import { packSlices, slicedWords } from '../reference/xnor-gemm-sliced.js';
import { packThresholdSlices, thresholdSliceWords } from '../reference/xnor-threshold-sliced.js';
import { makeIm2colBits, makeIm2colBytes } from './packed-conv.js';
import { makePixelConvThresholdDot, makePixelSignGemmDot, makePixelThresholdDot, packSignDots, pixelConvFits, signDotWords } from './pixel-sign-dot.js';
import { makePixelSignGemmNibbles } from './pixel-sign-nibbles.js';
import { makeThresholdPack } from './threshold-pack.js';
import type { WasmRuntime } from './wasm-runtime.js';
import { makeXnorGemm, makeXnorThresholdRows } from './xnor-gemm.js';
import { makeXnorGemmSliced } from './xnor-gemm-sliced.js';
import { makeXnorThresholdSliced } from './xnor-threshold-sliced.js';
import { convRowsInPlace, makeXnorThresholdConvRowSliced, makeXnorThresholdRowSliced, rowSlicedPays } from './xnor-threshold-row-sliced.js';
import { packRowLists, rowListWords } from './row-lists.js';

/** Weights at least this wide (output rows) are laid out for xnorGemmSliced: it counts 128
 *  columns at a time, so a narrow layer (the 10 scores) would pay for 128. */
const SLICED_MIN_COLUMNS = 128;
/** xnorThresholdSliced compares in at most 32 bit-planes: exact for k < 2^28 (kernels.ts). */
const FUSED_MAX_K = 2 ** 28;

/** Images sampled to choose the pixel product's kernel. */
const SPARSE_SAMPLE_ROWS = 32;

type Words = Uint32Array | Int32Array;
/** Every layout keeps the arrays it made, resident where the memory is shared, to free them. */
interface Owned { arrays: Words[] }
interface Binary extends Owned { n: number; k: number; rows: Uint32Array | null; sliced: Uint32Array | null; packed: Uint32Array }
/** lists: the weight rows for xnorThresholdRowSliced, made on the first product with enough rows. */
interface Thresholded extends Owned { weights: Binary; lim: Int32Array; th: Uint32Array | null; flip: Uint32Array; lists: Uint32Array | null }
interface Pixel extends Owned { n: number; k: number; signs: Uint32Array; nibbles: Uint32Array; dots: Uint32Array | null; convDots: Uint32Array | null }
interface PixelThresholded extends Owned { weights: Pixel; base: Int32Array; scale: number; lim: Int32Array; flip: Uint32Array }

/** Whether at least a quarter of the 4-byte groups of some sampled rows of x are all 0 (digits'
 *  background): there the nibble tables skip them (pixel-sign-nibbles.ts, the same test per
 *  image); on dense images (photos) the 8-bit dot product is ~1.5x faster. Either is exact. */
function sparse(x: Uint8Array, m: number, k: number): boolean {
  const groups = Math.ceil(k / 4), step = Math.max(1, Math.floor(m / SPARSE_SAMPLE_ROWS));
  let zero = 0, all = 0;
  for (let i = 0; i < m; i += step) {
    for (let g = 0; g < groups; g++) {
      let any = 0;
      for (let p = 4 * g; p < Math.min(k, 4 * g + 4); p++) any |= x[i * k + p]!;
      zero += any === 0 ? 1 : 0;
    }
    all += groups;
  }
  return 4 * zero >= all;
}

type PreparedKernels = Pick<HostKernels, 'prepareBinaryWeights' | 'binaryProduct' | 'prepareBinaryThreshold' | 'binaryThreshold'
  | 'convThreshold' | 'preparePixelWeights' | 'pixelProduct' | 'preparePixelThreshold' | 'pixelThreshold' | 'pixelConvThreshold'
  | 'freePrepared'>;

const handle = <W extends PreparedKind>(layout: Owned): Prepared<W> => layout as unknown as Prepared<W>;
const layout = <T extends Owned>(p: Prepared<PreparedKind>): T => p as unknown as T;

/** The packed-inference layouts of the wasm backend: the engine's choices, made here once per
 *  model. Binary weights from 128 rows on are bit-sliced (xnorGemmSliced, ~2x the packed-row
 *  product on the 2048-wide hidden layers), and their thresholds too where the layer is fused
 *  (xnorThresholdSliced: the packed outputs with no integer product stored); a fused layer run on
 *  many rows against few units (a conv's output pixels) gets lists of each weight row's rarer bits
 *  on first use, counted against slices of 128 rows (xnorThresholdRowSliced; a conv's slices
 *  gathered from the image in place where it has no padding: convThreshold); pixel weights go to
 *  16-entry nibble tables (pixelSignGemmNibbles), and in the relaxed-SIMD builds, on the first
 *  dense batch, to 8-bit dot-product rows too (pixelSignGemmDot; pixelThresholdDot thresholds a
 *  tile of its products while they are in cache). Layouts live in the shared wasm memory, read
 *  in place, and go back to the heap on freePrepared or when the handle is garbage collected. */
export function makePreparedKernels(rt: WasmRuntime): PreparedKernels {
  const xnorGemm = makeXnorGemm(rt), xnorGemmSliced = makeXnorGemmSliced(rt), xnorThresholdSliced = makeXnorThresholdSliced(rt);
  const xnorThresholdRows = makeXnorThresholdRows(rt), xnorThresholdRowSliced = makeXnorThresholdRowSliced(rt);
  const xnorThresholdConvRowSliced = makeXnorThresholdConvRowSliced(rt), im2colBits = makeIm2colBits(rt);
  const pixelConvThresholdDot = makePixelConvThresholdDot(rt), im2colBytes = makeIm2colBytes(rt);
  const pixelSignGemmNibbles = makePixelSignGemmNibbles(rt), pixelSignGemmDot = makePixelSignGemmDot(rt);
  const pixelThresholdDot = makePixelThresholdDot(rt), thresholdPack = makeThresholdPack(rt);
  const relaxed = rt.build.includes('-relaxed');
  const own = <A extends Words>(owner: Owned, kind: 'u32' | 'i32', length: number): A => {
    const array = (rt.resident?.alloc(kind, length) ?? hostArray(kind, length)) as A;
    owner.arrays.push(array);
    return array;
  };
  // the unfused binaryThreshold's products: kept (resident where the memory is shared, so no
  // copy in or out) and grown to the largest seen, not allocated per call
  let products: Int32Array = new Int32Array(0);
  const productScratch = (length: number): Int32Array => {
    if (products.length >= length) return products.subarray(0, length);
    if (products.length > 0) rt.resident?.free(products);
    products = (rt.resident?.alloc('i32', length) ?? new Int32Array(length)) as Int32Array;
    return products;
  };
  // the dot layout, made from the signs on the first dense batch
  const dotsOf = (p: Pixel): Uint32Array => (p.dots ??= packSignDots(p.signs, p.n, p.k, own<Uint32Array>(p, 'u32', signDotWords(p.n, p.k))));
  const convDotsOf = (p: Pixel): Uint32Array =>
    (p.convDots ??= packSignDots(p.signs, p.n, p.k, own<Uint32Array>(p, 'u32', signDotWords(p.n, p.k)), true));
  const listsOf = (t: Thresholded): Uint32Array =>
    (t.lists ??= packRowLists(t.weights.packed, t.weights.n, t.weights.k, own<Uint32Array>(t, 'u32', rowListWords(t.weights.n, t.weights.k))));
  const product = (a: Uint32Array, w: Binary, c: Int32Array, m: number): void => {
    if (w.sliced) xnorGemmSliced(a, w.sliced, c, m, w.n, w.k);
    else xnorGemm(a, w.rows!, c, m, w.n, w.k);
  };
  const kernels: PreparedKernels = {
    prepareBinaryWeights: (b, n, k) => {
      const words = n * Math.ceil(k / 32), w: Binary = { arrays: [], n, k, rows: null, sliced: null, packed: b.slice(0, words) };
      if (n >= SLICED_MIN_COLUMNS) w.sliced = packSlices(b, n, k, own<Uint32Array>(w, 'u32', slicedWords(n, k)));
      else (w.rows = own<Uint32Array>(w, 'u32', words)).set(b.subarray(0, words));
      return handle(w);
    },
    binaryProduct: (a, w, c, m) => product(a, layout<Binary>(w), c, m),
    prepareBinaryThreshold: (w, lim, flip) => {
      const weights = layout<Binary>(w), { n, k } = weights;
      const t: Thresholded = { arrays: [], weights, lim: new Int32Array(0), th: null, flip: new Uint32Array(0), lists: null };
      (t.flip = own<Uint32Array>(t, 'u32', Math.ceil(n / 32))).set(flip.subarray(0, Math.ceil(n / 32)));
      (t.lim = own<Int32Array>(t, 'i32', n)).set(lim.subarray(0, n));
      if (weights.sliced && k < FUSED_MAX_K) t.th = packThresholdSlices(weights.sliced, lim, n, k, own<Uint32Array>(t, 'u32', thresholdSliceWords(n, k)));
      return handle(t);
    },
    binaryThreshold: (a, prepared, out, m) => {
      const t = layout<Thresholded>(prepared), { weights: w } = t;
      // many rows (a conv's output pixels) against few units: each unit's list counted against
      // slices of 128 rows (xnorThresholdRowSliced) instead of listing every row
      if (rowSlicedPays(m, w.n) && w.k < FUSED_MAX_K) return xnorThresholdRowSliced(a, listsOf(t), t.lim, t.flip, out, m, w.n, w.k);
      if (t.th) return xnorThresholdSliced(a, w.sliced!, t.th, t.flip, out, m, w.n, w.k);
      // a narrow layer (below SLICED_MIN_COLUMNS): tiles of products thresholded in cache
      if (w.rows && m > 1) return xnorThresholdRows(a, w.rows, t.lim, t.flip, out, m, w.n, w.k);
      const c = productScratch(m * w.n); // one row (its columns split across threads), or huge k
      product(a, w, c, m);
      thresholdPack(c, m, w.n, null, 1, t.lim, t.flip, out);
    },
    convThreshold: (x, g, prepared, cols, out) => {
      const t = layout<Thresholded>(prepared), { weights: w } = t, m = g.batch * g.outH * g.outW;
      // the slices gathered from the image itself: no im2col rows written and read back
      if (convRowsInPlace(g) && rowSlicedPays(m, w.n) && w.k < FUSED_MAX_K) return xnorThresholdConvRowSliced(x, g, listsOf(t), t.lim, t.flip, out, w.n);
      im2colBits(x, g, cols);
      kernels.binaryThreshold(cols, prepared, out, m);
    },
    preparePixelWeights: (s, n, k) => {
      const w: Pixel = { arrays: [], n, k, signs: s.slice(0, n * Math.ceil(k / 32)), nibbles: new Uint32Array(0), dots: null, convDots: null };
      w.nibbles = packSignNibbles(s, n, k, own<Uint32Array>(w, 'u32', signNibbleWords(n, k)));
      return handle(w);
    },
    pixelProduct: (x, w, c, m) => {
      const p = layout<Pixel>(w), { n, k } = p;
      if (!relaxed || sparse(x, m, k)) return pixelSignGemmNibbles(x, p.nibbles, c, m, n, k);
      pixelSignGemmDot(x, dotsOf(p), c, m, n, k);
    },
    preparePixelThreshold: (w, base, scale, lim, flip) => {
      const weights = layout<Pixel>(w), { n } = weights, words = Math.ceil(n / 32);
      const t: PixelThresholded = { arrays: [], weights, base: new Int32Array(0), scale, lim: new Int32Array(0), flip: new Uint32Array(0) };
      (t.base = own<Int32Array>(t, 'i32', n)).set(base.subarray(0, n));
      (t.lim = own<Int32Array>(t, 'i32', n)).set(lim.subarray(0, n));
      (t.flip = own<Uint32Array>(t, 'u32', words)).set(flip.subarray(0, words));
      return handle(t);
    },
    pixelThreshold: (x, prepared, out, m) => {
      const t = layout<PixelThresholded>(prepared), { weights: p } = t, { n, k } = p;
      if (relaxed && !sparse(x, m, k)) return pixelThresholdDot(x, dotsOf(p), t.base, t.scale, t.lim, t.flip, out, m, n, k);
      // the nibble tables write the whole product; thresholdPack reads it back
      const c = productScratch(m * n);
      pixelSignGemmNibbles(x, p.nibbles, c, m, n, k);
      thresholdPack(c, m, n, t.base, t.scale, t.lim, t.flip, out);
    },
    pixelConvThreshold: (x, g, padValue, prepared, bytes, out) => {
      const t = layout<PixelThresholded>(prepared), { weights: p } = t, { n, k } = p;
      // each window gathered from the image and thresholded in registers, on dense images (the
      // sparse test on the image's rows of pixels: the same background as its windows')
      if (relaxed && pixelConvFits(g, n) && !sparse(x, g.batch * g.height, g.width * g.channels)) {
        return pixelConvThresholdDot(x, g, padValue, convDotsOf(p), t.base, t.scale, t.lim, t.flip, out, n);
      }
      im2colBytes(x, g, padValue, bytes);
      kernels.pixelThreshold(bytes, prepared, out, g.batch * g.outH * g.outW);
    },
    freePrepared: (p) => {
      const owner = layout<Owned>(p);
      for (const array of owner.arrays.splice(0)) rt.resident?.free(array);
    },
  };
  return kernels;
}
