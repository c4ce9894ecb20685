import { hostArray } from '../host-storage.js';
import type { HostKernels, Prepared, PreparedKind } from '../kernels.js';
import { packSignNibbles, signNibbleWords } from '../reference/pixel-sign-nibbles.js';
import { packSlices, slicedWords } from '../reference/xnor-gemm-sliced.js';
import { packThresholdSlices, thresholdSliceWords } from '../reference/xnor-threshold-sliced.js';
import { makePixelSignGemmNibbles } from './pixel-sign-nibbles.js';
import { makeThresholdPack } from './threshold-pack.js';
import type { WasmRuntime } from './wasm-runtime.js';
import { makeXnorGemm } from './xnor-gemm.js';
import { makeXnorGemmSliced } from './xnor-gemm-sliced.js';
import { makeXnorThresholdSliced } from './xnor-threshold-sliced.js';

/** Weights at least this wide (output rows) are laid out for xnorGemmSliced: it counts 128
 *  columns at a time, so a narrow layer (the 10 scores) would pay for 128. */
const SLICED_MIN_COLUMNS = 128;
/** xnorThresholdSliced compares in at most 32 bit-planes: exact for k < 2^28 (kernels.ts). */
const FUSED_MAX_K = 2 ** 28;

type Words = Uint32Array | Int32Array;
/** Every layout keeps the arrays it made, resident where the memory is shared, to free them. */
interface Owned { arrays: Words[] }
interface Binary extends Owned { n: number; k: number; rows: Uint32Array | null; sliced: Uint32Array | null }
interface Thresholded extends Owned { weights: Binary; lim: Int32Array | null; th: Uint32Array | null; flip: Uint32Array }
interface Pixel extends Owned { n: number; k: number; nibbles: Uint32Array }

const handle = <W extends PreparedKind>(layout: Owned): Prepared<W> => layout as unknown as Prepared<W>;
const layout = <T extends Owned>(p: Prepared<PreparedKind>): T => p as unknown as T;

/** The packed-inference layouts of the wasm backend: the engine's choices, made here once per
 *  model. Binary weights from 128 rows on are bit-sliced (xnorGemmSliced, ~2x the packed-row
 *  product on the 2048-wide hidden layers), and their thresholds too where the layer is fused
 *  (xnorThresholdSliced: the packed outputs with no integer product stored); pixel weights go to
 *  16-entry nibble tables (pixelSignGemmNibbles). Layouts live in the shared wasm memory, read
 *  in place, and go back to the heap on freePrepared or when the handle is garbage collected. */
export function makePreparedKernels(rt: WasmRuntime): Pick<HostKernels, 'prepareBinaryWeights' | 'binaryProduct'
  | 'prepareBinaryThreshold' | 'binaryThreshold' | 'preparePixelWeights' | 'pixelProduct' | 'freePrepared'> {
  const xnorGemm = makeXnorGemm(rt), xnorGemmSliced = makeXnorGemmSliced(rt), xnorThresholdSliced = makeXnorThresholdSliced(rt);
  const pixelSignGemmNibbles = makePixelSignGemmNibbles(rt), thresholdPack = makeThresholdPack(rt);
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
  const product = (a: Uint32Array, w: Binary, c: Int32Array, m: number): void => {
    if (w.sliced) xnorGemmSliced(a, w.sliced, c, m, w.n, w.k);
    else xnorGemm(a, w.rows!, c, m, w.n, w.k);
  };
  return {
    prepareBinaryWeights: (b, n, k) => {
      const w: Binary = { arrays: [], n, k, rows: null, sliced: null }, words = n * Math.ceil(k / 32);
      if (n >= SLICED_MIN_COLUMNS) w.sliced = packSlices(b, n, k, own<Uint32Array>(w, 'u32', slicedWords(n, k)));
      else (w.rows = own<Uint32Array>(w, 'u32', words)).set(b.subarray(0, words));
      return handle(w);
    },
    binaryProduct: (a, w, c, m) => product(a, layout<Binary>(w), c, m),
    prepareBinaryThreshold: (w, lim, flip) => {
      const weights = layout<Binary>(w), { n, k } = weights;
      const t: Thresholded = { arrays: [], weights, lim: null, th: null, flip: new Uint32Array(0) };
      (t.flip = own<Uint32Array>(t, 'u32', Math.ceil(n / 32))).set(flip.subarray(0, Math.ceil(n / 32)));
      if (weights.sliced && k < FUSED_MAX_K) t.th = packThresholdSlices(weights.sliced, lim, n, k, own<Uint32Array>(t, 'u32', thresholdSliceWords(n, k)));
      else (t.lim = own<Int32Array>(t, 'i32', n)).set(lim.subarray(0, n));
      return handle(t);
    },
    binaryThreshold: (a, prepared, out, m) => {
      const t = layout<Thresholded>(prepared), { weights: w } = t;
      if (t.th) return xnorThresholdSliced(a, w.sliced!, t.th, t.flip, out, m, w.n, w.k);
      const c = productScratch(m * w.n); // narrow layers only (below SLICED_MIN_COLUMNS) or huge k
      product(a, w, c, m);
      thresholdPack(c, m, w.n, null, 1, t.lim!, t.flip, out);
    },
    preparePixelWeights: (s, n, k) => {
      const w: Pixel = { arrays: [], n, k, nibbles: new Uint32Array(0) };
      w.nibbles = packSignNibbles(s, n, k, own<Uint32Array>(w, 'u32', signNibbleWords(n, k)));
      return handle(w);
    },
    pixelProduct: (x, w, c, m) => {
      const { nibbles, n, k } = layout<Pixel>(w);
      pixelSignGemmNibbles(x, nibbles, c, m, n, k);
    },
    freePrepared: (p) => {
      const owner = layout<Owned>(p);
      for (const array of owner.arrays.splice(0)) rt.resident?.free(array);
    },
  };
}
