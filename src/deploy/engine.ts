import { kernels } from '../backends/registry.js';
import { pixelSignGemm as referencePixelSignGemm } from '../backends/reference/pixel-sign-gemm.js';
import { packSignNibbles, signNibbleWords } from '../backends/reference/pixel-sign-nibbles.js';
import { packSlices, slicedWords } from '../backends/reference/xnor-gemm-sliced.js';
import { packThresholdSlices, thresholdSliceWords } from '../backends/reference/xnor-threshold-sliced.js';
import { thresholdPack as referenceThresholdPack } from '../backends/reference/threshold-pack.js';
import type { Kernels, ResidentArray, ResidentKind } from '../backends/kernels.js';
import { DeployError } from './deploy-error.js';
import { bnValue } from './fold-threshold.js';
import { checkGraph, thresholdsPerUnit, wordsFor, type PackedGraph, type PackedLayer, type ScoreLayer } from './graph.js';
import { dotValue } from './levels.js';
import { packPlanes, planeSums, PLANES, rowSums } from './pixel-dot.js';

/** Images per pass through the layers: bounds the scratch memory (a 10,000-image predict does not
 *  hold 10,000 × 8 plane products) while every product still has many rows. */
const CHUNK = 256;
/** 'auto' runs the first layer as the integer product (pixelSignGemm) from this many images on,
 *  where the backend has that kernel, and as 8 XNOR bit-plane products (QNN-SPEC §5.1) below.
 *  Measured on the wasm backend (784 → 2048, 1 thread, resident weights, loaded 2-core EPYC):
 *  integer vs bit-planes (packing included) 54 vs 87 µs at 1 image, 141 vs 340 µs at 4,
 *  3.6 vs 8.6 ms at 100: the integer route wins from one image on, so there is no crossover left
 *  on wasm; a backend without the kernel stays on bit-planes. */
const INTEGER_MIN_BATCH = 1;
/** Hidden layers at least this wide (output units × weight planes) run on xnorGemmSliced where the
 *  backend has it: it counts 128 columns at a time, so a narrow layer (the 10 scores) would pay
 *  for 128. */
const SLICED_MIN_COLUMNS = 128;
/** pixelSignGemm is exact in int32 while 255·k < 2^31 (kernels.ts). */
const INTEGER_MAX_K = Math.floor((2 ** 31 - 1) / 255);

/** How the first layer multiplies raw 8-bit pixels by its ±1 (or k-bit plane) weights. Both are
 *  exact integer arithmetic and give the same scores bit for bit; they differ in speed only.
 *  - 'bitPlanes': the paper's method (QNN-SPEC §5.1): 8 bit-planes of the pixels, one XNOR
 *    product each, shifted and added.
 *  - 'integer': one product of the bytes with the ±1 weights (Kernels.pixelSignGemmNibbles on
 *    weights re-laid once for table lookups, else pixelSignGemm on the packed rows; the
 *    reference version where the backend has neither).
 *  - 'auto' (default): 'integer' where the backend has the kernel (from INTEGER_MIN_BATCH
 *    images), else 'bitPlanes'. */
export type FirstLayerRoute = 'auto' | 'bitPlanes' | 'integer';
const ROUTES: readonly FirstLayerRoute[] = ['auto', 'bitPlanes', 'integer'];

export interface PackedEngineOptions {
  /** First-layer method (FirstLayerRoute); default 'auto'. */
  firstLayer?: FirstLayerRoute;
}

/** One layer as the engine runs it: its weights in the backend's own memory (resident arrays:
 *  the XNOR product reads them in place, no copy per call) and its thresholds in the form the
 *  packing loops want. */
interface Step {
  layer: PackedLayer;
  k: number;
  n: number;
  /** Input planes P per image (8 for pixels), weight planes Q per unit, output planes. */
  p: number;
  q: number;
  outBits: number;
  weights: Uint32Array;
  /** A pixel layer's weights in the nibble layout (packSignNibbles) for the backend's
   *  pixelSignGemmNibbles, made once here; null where the backend lacks that kernel. */
  nibbles: Uint32Array | null;
  /** A packed-input layer's weights in the sliced layout (packSlices) for the backend's
   *  xnorGemmSliced, made once here; null where the backend lacks it or the layer is narrow. */
  sliced: Uint32Array | null;
  /** The thresholds bit-sliced (packThresholdSlices) for xnorThresholdSliced, where the layer
   *  is sliced and a 1-bit-in, 1-bit-out threshold layer; else null. */
  slicedLim: Uint32Array | null;
  /** Σ over each weight row's ±1 values (first layer: links the integer pixel product to T). */
  rowSums: Int32Array | null;
  /** 255·rowSums, resident: T = base − 2·S for thresholdPack on a 1-bit pixel layer. */
  base: Int32Array | null;
  /** Bsum per unit (levels.ts), for the scores. */
  sums: Float64Array;
  /** Threshold i of unit j (index j·per + i) holds when (v < lim) XOR its flip: direction 0
   *  (v >= t) is NOT (v < t), direction 1 (v <= t) is v < t + 1. flipWords: the same flips as
   *  one bit per unit, for 1-bit outputs packed a word at a time. */
  lim: Int32Array;
  flip: Uint8Array;
  flipWords: Uint32Array;
  /** One word per output plane (packCodes' registers). */
  acc: Int32Array;
}

/** Runs a packed graph (QNN-SPEC §5.2 "Running a BNN") through the kernel contract: whichever
 *  backend is active (`useBackend`) does the XNOR-popcount products; activations stay packed
 *  from layer to layer. Weights and scratch live in the backend's memory where it offers that
 *  (`allocResident`), so the products run on them in place; scratch grows to the largest batch
 *  seen (at most CHUNK images) and is then reused. No float matrix products: the first layer is
 *  integer (bit-planes or bytes × ±1, `firstLayer`), the others XNOR-popcount.
 *  @example const engine = new PackedEngine(await loadModelFile('model.lbit'));
 *           engine.predict(test.images, test.count)  // → Int32Array of classes
 *  @example new PackedEngine(graph, { firstLayer: 'bitPlanes' })  // the paper's §5.1 method only */
export class PackedEngine {
  private readonly steps: Step[];
  private readonly kernels: Kernels;
  private capacity = 0;
  private planes: Uint32Array = new Uint32Array(0);
  private acts: [Uint32Array, Uint32Array] = [new Uint32Array(0), new Uint32Array(0)];
  private dots: Int32Array = new Int32Array(0);
  private row: Int32Array = new Int32Array(0);

  private readonly firstLayer: FirstLayerRoute;

  constructor(readonly graph: PackedGraph, opts: PackedEngineOptions = {}) {
    checkGraph(graph, 'engine');
    this.firstLayer = opts.firstLayer ?? 'auto';
    if (!ROUTES.includes(this.firstLayer)) {
      throw new DeployError(`engine: firstLayer '${String(opts.firstLayer)}' is not a route; use one of ${ROUTES.join(', ')}`);
    }
    this.kernels = kernels();
    this.steps = graph.layers.map((layer, i) => this.prepare(layer, graph.layers[i + 1]));
    this.row = new Int32Array(Math.max(...graph.layers.map((l) => l.outFeatures)));
  }

  /** Class scores [count, classes] for `count` images of `inputs` raw bytes each. */
  run(pixels: Uint8Array, count = pixels.length / this.graph.inputs): Float32Array {
    const { inputs, classes } = this.graph;
    if (!Number.isInteger(count) || count < 0 || pixels.length !== count * inputs) {
      throw new DeployError(`engine: expected count × ${inputs} pixel bytes, got ${pixels.length} bytes for count ${count}`);
    }
    const scores = new Float32Array(count * classes);
    for (let start = 0; start < count; start += CHUNK) {
      const m = Math.min(CHUNK, count - start);
      this.runChunk(pixels.subarray(start * inputs, (start + m) * inputs), m, scores.subarray(start * classes, (start + m) * classes));
    }
    return scores;
  }

  /** Predicted class per image (first maximum, as argmax over the float model's scores). */
  predict(pixels: Uint8Array, count?: number): Int32Array {
    const scores = this.run(pixels, count), classes = this.graph.classes, rows = scores.length / classes;
    const out = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (scores[r * classes + c]! > scores[r * classes + best]!) best = c;
      out[r] = best;
    }
    return out;
  }

  private runChunk(pixels: Uint8Array, count: number, scores: Float32Array): void {
    this.reserve(count);
    const kern = kernels(), row = this.row; // resident arrays work with any backend, so useBackend may switch
    let input = this.acts[0], output = this.acts[1];
    for (const step of this.steps) {
      const { layer, k, n, p, q } = step, nq = n * q, outWords = wordsFor(n);
      if (step.slicedLim && kern.xnorThresholdSliced && runsSliced(kern)) {
        // a hidden BNN layer in one pass: the sign of its product compared bit-sliced, packed
        kern.xnorThresholdSliced(input, step.sliced!, step.slicedLim, step.flipWords, output, count, n, k);
        [input, output] = [output, input];
        continue;
      }
      const pixelProduct = layer.input === 'pixels8' && this.integerFirstLayer(kern, count, k);
      if (pixelProduct) {
        if (step.nibbles && kern.pixelSignGemmNibbles) kern.pixelSignGemmNibbles(pixels, step.nibbles, this.dots, count, nq, k);
        else (kern.pixelSignGemm ?? referencePixelSignGemm)(pixels, step.weights, this.dots, count, nq, k);
      } else if (layer.input === 'pixels8') {
        packPlanes(pixels, count, k, this.planes);
        kern.xnorGemm(this.planes, step.weights, this.dots, count * PLANES, nq, k);
      } else if (step.sliced && kern.xnorGemmSliced && runsSliced(kern)) {
        kern.xnorGemmSliced(input, step.sliced, this.dots, count * p, nq, k);
      } else {
        kern.xnorGemm(input, step.weights, this.dots, count * p, nq, k);
      }
      if (layer.kind === 'threshold' && step.outBits === 1 && q === 1 && (pixelProduct || p === 1)) {
        // the common BNN layer: T is the product (or 255·Σw − 2·S from pixels), thresholded and packed in one kernel
        (kern.thresholdPack ?? referenceThresholdPack)(this.dots, count, n, pixelProduct ? step.base : null, pixelProduct ? -2 : 1,
          step.lim, step.flipWords, output);
        [input, output] = [output, input];
        continue;
      }
      // one product per plane pair: combine each image's into T (in `row`); else T is the product
      const combined = pixelProduct || p > 1 || q > 1, v = combined ? row : this.dots;
      for (let r = 0; r < count; r++) {
        if (pixelProduct) fromPixelProduct(this.dots, r * nq, n, q, step.rowSums!, row);
        else if (combined) combineRow(this.dots, r * p * nq, p, n, q, row);
        const at = combined ? 0 : r * n;
        if (layer.kind === 'scores') this.score(layer, step, v, at, scores, r * n);
        else if (step.outBits === 1) referenceThresholdPack(v.subarray(at, at + n), 1, n, null, 1, step.lim, step.flipWords, output.subarray(r * outWords, (r + 1) * outWords));
        else packCodes(v, at, n, step, output, r * step.outBits * outWords, outWords);
      }
      [input, output] = [output, input];
    }
  }

  private integerFirstLayer(kern: Kernels, count: number, k: number): boolean {
    if (k > INTEGER_MAX_K || this.firstLayer === 'bitPlanes') return false;
    return this.firstLayer === 'integer' || (kern.pixelSignGemm !== undefined && count >= INTEGER_MIN_BATCH);
  }

  /** Scores evaluated as the float model's product output (float32), bias add and BN (graph.ts). */
  private score(layer: ScoreLayer, step: Step, v: Int32Array, at: number, scores: Float32Array, out: number): void {
    const n = layer.outFeatures, a = layer.affine, scale = layer.input === 'pixels8' ? this.graph.scale : null;
    for (let j = 0; j < n; j++) {
      const p = { bias: a[j]!, gamma: a[n + j]!, mean: a[2 * n + j]!, invStd: a[3 * n + j]!, beta: a[4 * n + j]! };
      const x = Math.fround(dotValue(layer.inputLevels, layer.weightLevels, v[at + j]!, step.sums[j]!, scale));
      scores[out + j] = bnValue(x, p);
    }
  }

  private prepare(layer: PackedLayer, next: PackedLayer | undefined): Step {
    const k = layer.inFeatures, n = layer.outFeatures, q = layer.weightLevels.bits;
    const weights = this.alloc('u32', layer.weights.length);
    weights.set(layer.weights);
    const outBits = next?.inputLevels.bits ?? 1, per = thresholdsPerUnit(outBits);
    // lim and flipWords resident: thresholdPack reads them in place
    const lim = this.alloc('i32', n * per), flip = new Uint8Array(n * per), flipWords = this.alloc('u32', wordsFor(n));
    if (layer.kind === 'threshold') {
      for (let i = 0; i < n * per; i++) {
        const t = layer.thresholds[i]!;
        // |v| < 2^31 − 1 (checkGraph), so v <= 2^31 − 1 and v < 2^31 − 1 agree: no overflow to mind
        if (layer.directions[i] === 0) { lim[i] = t; flip[i] = 1; } else lim[i] = t === 0x7fffffff ? t : t + 1;
      }
      if (outBits === 1) for (let j = 0; j < n; j++) flipWords[j >>> 5]! |= flip[j]! << (j & 31);
    }
    let nibbles: Uint32Array | null = null;
    if (layer.input === 'pixels8' && this.firstLayer !== 'bitPlanes' && this.kernels.pixelSignGemmNibbles) {
      nibbles = packSignNibbles(layer.weights, n * q, k, this.alloc('u32', signNibbleWords(n * q, k)));
    }
    let sliced: Uint32Array | null = null, slicedLim: Uint32Array | null = null;
    if (layer.input !== 'pixels8' && n * q >= SLICED_MIN_COLUMNS && this.kernels.xnorGemmSliced && runsSliced(this.kernels)) {
      sliced = packSlices(layer.weights, n * q, k, this.alloc('u32', slicedWords(n * q, k)));
      if (layer.kind === 'threshold' && outBits === 1 && q === 1 && layer.inputLevels.bits === 1 && k < 2 ** 28 && this.kernels.xnorThresholdSliced) {
        slicedLim = packThresholdSlices(sliced, lim, n, k, this.alloc('u32', thresholdSliceWords(n, k)));
      }
    }
    const sumsOfRows = layer.input === 'pixels8' ? rowSums(layer.weights, n * q, k) : null;
    let base: Int32Array | null = null;
    if (sumsOfRows && q === 1) { base = this.alloc('i32', n); for (let j = 0; j < n; j++) base[j] = 255 * sumsOfRows[j]!; }
    return {
      layer, k, n, p: layer.input === 'pixels8' ? PLANES : layer.inputLevels.bits, q, outBits, weights, nibbles, sliced, slicedLim,
      rowSums: sumsOfRows, base, sums: planeSums(layer.weights, n, q, k), lim, flip, flipWords, acc: new Int32Array(outBits),
    };
  }

  private alloc<K extends ResidentKind>(kind: K, length: number): ResidentArray[K] {
    const made = this.kernels.allocResident?.(kind, length);
    if (made) return made;
    return (kind === 'f32' ? new Float32Array(length) : kind === 'u32' ? new Uint32Array(length) : new Int32Array(length)) as ResidentArray[K];
  }

  private reserve(count: number): void {
    if (count <= this.capacity) return;
    const free = (a: Uint32Array | Int32Array | Float32Array) => this.kernels.freeResident?.(a);
    [this.planes, this.dots, ...this.acts].forEach(free);
    const steps = this.steps, first = steps[0]!;
    const actWords = Math.max(...steps.map((s) => s.outBits * wordsFor(s.n)));
    // the first layer's integer product needs n·q per image, its bit-plane one 8·n·q
    const dots = Math.max(...steps.map((s) => s.p * s.n * s.q));
    this.planes = this.alloc('u32', count * PLANES * wordsFor(first.k));
    this.dots = this.alloc('i32', count * dots);
    this.acts = [this.alloc('u32', count * actWords), this.alloc('u32', count * actWords)];
    this.capacity = count;
  }
}

/** Whether the engine runs a backend's sliced kernels: not the reference backend's, whose twins
 *  read one bit at a time (there the products on the packed rows are faster). */
const runsSliced = (k: Kernels): boolean => k.name !== 'reference';

/** T[j] = Σ_{p,q} 2^{p+q}·C[p, j·Q + q] over the P plane rows of one image, read row after row. */
function combineRow(c: Int32Array, at: number, p: number, n: number, q: number, t: Int32Array): void {
  if (q === 1) {
    for (let j = 0; j < n; j++) t[j] = c[at + j]!;
    for (let b = 1; b < p; b++) {
      const off = at + b * n;
      for (let j = 0; j < n; j++) t[j] = t[j]! + (c[off + j]! << b);
    }
    return;
  }
  t.fill(0, 0, n);
  for (let b = 0; b < p; b++) {
    const off = at + b * n * q;
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let w = 0; w < q; w++) acc += c[off + j * q + w]! << w;
      t[j] = t[j]! + (acc << b);
    }
  }
}

/** T[j] = Σ_q 2^q·(255·Σb_q − 2·S[j·Q + q]) from the pixel products S = p·b_q (pixel-dot.ts:
 *  Σ_n 2^n·C_n = 255·Σb − 2·S per weight plane). */
function fromPixelProduct(s: Int32Array, at: number, n: number, q: number, sums: Int32Array, t: Int32Array): void {
  if (q === 1) { for (let j = 0; j < n; j++) t[j] = 255 * sums[j]! - 2 * s[at + j]!; return; }
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let w = 0; w < q; w++) acc += (255 * sums[j * q + w]! - 2 * s[at + j * q + w]!) * 2 ** w;
    t[j] = acc;
  }
}

/** Codes of `bits` > 1 bits → `bits` packed planes of the row (plane b: bit b of every code),
 *  32 units at a time with each plane's word built in `acc` and stored once. */
function packCodes(v: Int32Array, at: number, n: number, step: Step, out: Uint32Array, outAt: number, words: number): void {
  const bits = step.outBits, per = thresholdsPerUnit(bits), lim = step.lim, flip = step.flip, acc = step.acc;
  if (bits === 2) return packCodes2(v, at, n, lim, flip, out, outAt, words);
  for (let w = 0; w < words; w++) {
    acc.fill(0);
    const j0 = w << 5, j1 = Math.min(n, j0 + 32);
    for (let j = j0; j < j1; j++) {
      const x = v[at + j]!, base = j * per, bit = j - j0;
      let code = 0;
      for (let i = 0; i < per; i++) code += (+(x < lim[base + i]!)) ^ flip[base + i]!;
      for (let b = 0; b < bits; b++) acc[b] = acc[b]! | (((code >>> b) & 1) << bit);
    }
    for (let b = 0; b < bits; b++) out[outAt + b * words + w] = acc[b]!;
  }
}

/** packCodes for 2-bit codes (the paper's W1/A2 setting), unrolled: 3 thresholds, 2 planes. */
function packCodes2(v: Int32Array, at: number, n: number, lim: Int32Array, flip: Uint8Array, out: Uint32Array, outAt: number, words: number): void {
  for (let w = 0; w < words; w++) {
    const j0 = w << 5, j1 = Math.min(n, j0 + 32);
    let p0 = 0, p1 = 0;
    for (let j = j0; j < j1; j++) {
      const x = v[at + j]!, t = 3 * j, bit = j - j0;
      const code = ((+(x < lim[t]!)) ^ flip[t]!) + ((+(x < lim[t + 1]!)) ^ flip[t + 1]!) + ((+(x < lim[t + 2]!)) ^ flip[t + 2]!);
      p0 |= (code & 1) << bit; p1 |= (code >>> 1) << bit;
    }
    out[outAt + w] = p0; out[outAt + words + w] = p1;
  }
}
