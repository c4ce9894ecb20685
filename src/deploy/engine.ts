import { kernels } from '../backends/registry.js';
import type { Kernels, ResidentArray, ResidentKind } from '../backends/kernels.js';
import { DeployError } from './deploy-error.js';
import { bnValue } from './fold-threshold.js';
import { checkGraph, wordsFor, type PackedGraph, type PackedLayer, type ScoreLayer } from './graph.js';
import { packPlanes, pixelSum, PLANES, rowSums, scaledDot } from './pixel-dot.js';

/** Images per pass through the layers: bounds the scratch memory (a 10,000-image predict does not
 *  hold 10,000 × 8 plane products) while every product still has many rows. */
const CHUNK = 256;
/** From this many images on, the first layer runs as one float product of the pixels with the ±1
 *  weights (gemmSignB) instead of 8 XNOR bit-plane products: exact, since every partial sum is an
 *  integer below 255·k < 2^24, and cheaper once the product has rows enough to fill its tiles
 *  (measured on the wasm backend: at 8 images 0.6 vs 0.7 ms, at 64 images 3.7 vs 5.6 ms). */
const SIGN_B_MIN_BATCH = 8;
const SIGN_B_MAX_K = Math.floor((2 ** 24 - 1) / 255);

/** One layer as the engine runs it: its weights in the backend's own memory (resident arrays:
 *  the XNOR product reads them in place, no copy per call) and its thresholds in the form the
 *  packing loop wants. */
interface Step {
  layer: PackedLayer;
  k: number;
  n: number;
  weights: Uint32Array;
  /** Σw per unit (first layer only): D = 255·Σw − 2·(p·w) links the two first-layer products. */
  sums: Int32Array | null;
  /** Unit j's output bit is 1 (−1) when (v < lim[j]) XOR bit j of flip: direction 0 (+1 when
   *  v >= t) is v < t; direction 1 (+1 when v <= t) is NOT (v < t + 1). */
  lim: Int32Array;
  flip: Uint32Array;
}

/** Runs a packed graph (QNN-SPEC §5.2 "Running a BNN") through the kernel contract: whichever
 *  backend is active (`useBackend`) does the XNOR-popcount products; activations stay packed
 *  from layer to layer. Weights and scratch live in the backend's memory where it offers that
 *  (`allocResident`), so the products run on them in place; scratch grows to the largest batch
 *  seen (at most CHUNK images) and is then reused.
 *  @example const engine = new PackedEngine(await loadModelFile('model.lbit'));
 *           engine.predict(test.images, test.count)  // → Int32Array of classes */
export class PackedEngine {
  private readonly steps: Step[];
  private readonly kernels: Kernels;
  private capacity = 0;
  private planes: Uint32Array = new Uint32Array(0);
  private pixelsF: Float32Array = new Float32Array(0);
  private acts: [Uint32Array, Uint32Array] = [new Uint32Array(0), new Uint32Array(0)];
  private dots: Int32Array = new Int32Array(0);
  private dotsF: Float32Array = new Float32Array(0);
  private row: Int32Array = new Int32Array(0);

  constructor(readonly graph: PackedGraph) {
    checkGraph(graph, 'engine');
    this.kernels = kernels();
    this.steps = graph.layers.map((layer, i) => this.prepare(layer, i === 0));
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
      const { layer, k, n } = step;
      const outWords = wordsFor(n);
      if (layer.input === 'pixels8') {
        const signB = count >= SIGN_B_MIN_BATCH && k <= SIGN_B_MAX_K;
        if (signB) {
          const x = this.pixelsF;
          for (let i = 0; i < count * k; i++) x[i] = pixels[i]!;
          kern.gemmSignB(x, step.weights, this.dotsF, count, n, k, false);
        } else {
          packPlanes(pixels, count, k, this.planes);
          kern.xnorGemm(this.planes, step.weights, this.dots, count * PLANES, n, k);
        }
        for (let r = 0; r < count; r++) {
          if (signB) firstLayerFromProduct(this.dotsF, r * n, n, step.sums!, row);
          else combinePlaneRow(this.dots, r * PLANES * n, n, row);
          if (layer.kind === 'threshold') packRow(row, 0, n, step.lim, step.flip, output, r * outWords);
          else this.score(layer, row, 0, scores, r * n, step.sums);
        }
      } else {
        kern.xnorGemm(input, step.weights, this.dots, count, n, k);
        for (let r = 0; r < count; r++) {
          if (layer.kind === 'threshold') packRow(this.dots, r * n, n, step.lim, step.flip, output, r * outWords);
          else this.score(layer, this.dots, r * n, scores, r * n, null);
        }
      }
      [input, output] = [output, input];
    }
  }

  /** Scores evaluated exactly as the float model's bias add and BN (graph.ts ScoreLayer). */
  private score(layer: ScoreLayer, v: Int32Array, at: number, scores: Float32Array, out: number, sums: Int32Array | null): void {
    const n = layer.outFeatures, a = layer.affine;
    for (let j = 0; j < n; j++) {
      const p = { bias: a[j]!, gamma: a[n + j]!, mean: a[2 * n + j]!, invStd: a[3 * n + j]!, beta: a[4 * n + j]! };
      const d = v[at + j]!;
      const x = sums ? Math.fround(scaledDot(this.graph.scale, pixelSum(d, sums[j]!), sums[j]!)) : d;
      scores[out + j] = bnValue(x, p);
    }
  }

  private prepare(layer: PackedLayer, first: boolean): Step {
    const k = layer.inFeatures, n = layer.outFeatures;
    const weights = this.alloc('u32', layer.weights.length);
    weights.set(layer.weights);
    const lim = new Int32Array(n), flip = new Uint32Array(wordsFor(n));
    if (layer.kind === 'threshold') {
      for (let j = 0; j < n; j++) {
        const t = layer.thresholds[j]!;
        if (layer.directions[j] === 0) lim[j] = t;
        // v <= 2^31 − 1 holds for every v, as does v < 2^31 − 1 (|v| < 2^31 − 1): no overflow to mind
        else { lim[j] = t === 0x7fffffff ? t : t + 1; flip[j >>> 5]! |= 1 << (j & 31); }
      }
    }
    return { layer, k, n, weights, sums: first ? rowSums(layer.weights, n, k) : null, lim, flip };
  }

  private alloc<K extends ResidentKind>(kind: K, length: number): ResidentArray[K] {
    const made = this.kernels.allocResident?.(kind, length);
    if (made) return made;
    return (kind === 'f32' ? new Float32Array(length) : kind === 'u32' ? new Uint32Array(length) : new Int32Array(length)) as ResidentArray[K];
  }

  private reserve(count: number): void {
    if (count <= this.capacity) return;
    const free = (a: Uint32Array | Int32Array | Float32Array) => this.kernels.freeResident?.(a);
    [this.planes, this.pixelsF, this.dots, this.dotsF, ...this.acts].forEach(free);
    const layers = this.graph.layers, first = layers[0]!;
    const maxOut = Math.max(...layers.map((l) => l.outFeatures));
    const maxWords = Math.max(...layers.map((l) => wordsFor(l.outFeatures)));
    this.planes = this.alloc('u32', count * PLANES * wordsFor(first.inFeatures));
    this.pixelsF = this.alloc('f32', count * first.inFeatures);
    this.dots = this.alloc('i32', count * Math.max(maxOut, PLANES * first.outFeatures));
    this.dotsF = this.alloc('f32', count * first.outFeatures);
    this.acts = [this.alloc('u32', count * maxWords), this.alloc('u32', count * maxWords)];
    this.capacity = count;
  }
}

/** D[j] = Σ_n 2^n·C[n, j] over the 8 plane rows of one image (pixel-dot.ts), read row after row. */
function combinePlaneRow(c: Int32Array, at: number, n: number, d: Int32Array): void {
  for (let j = 0; j < n; j++) d[j] = c[at + j]!;
  for (let p = 1; p < PLANES; p++) {
    const off = at + p * n;
    for (let j = 0; j < n; j++) d[j] = d[j]! + (c[off + j]! << p);
  }
}

/** D[j] = 255·Σw − 2·S[j] from the pixel product S = p·w (pixel-dot.ts: S = (255·Σw − D)/2). */
function firstLayerFromProduct(s: Float32Array, at: number, n: number, sums: Int32Array, d: Int32Array): void {
  for (let j = 0; j < n; j++) d[j] = 255 * sums[j]! - 2 * s[at + j]!;
}

/** Integer thresholds → one packed row of ±1 bits (bit 1 = −1), the next layer's input: 32
 *  comparisons make a word in a register, and the direction-1 units flip with one XOR per word. */
function packRow(v: Int32Array, at: number, n: number, lim: Int32Array, flip: Uint32Array, out: Uint32Array, outAt: number): void {
  const full = n >>> 5;
  for (let w = 0; w < full; w++) {
    const j0 = w << 5, base = at + j0;
    let bits = 0;
    for (let b = 0; b < 32; b++) bits |= (+(v[base + b]! < lim[j0 + b]!)) << b;
    out[outAt + w] = bits ^ flip[w]!;
  }
  if (n & 31) {
    const j0 = full << 5;
    let bits = 0;
    for (let j = j0; j < n; j++) bits |= (+(v[at + j]! < lim[j]!)) << (j - j0);
    out[outAt + full] = bits ^ flip[full]!; // flip has no bits past n: tail bits stay 0
  }
}
