import { kernels } from '../backends/registry.js';
import { DeployError } from './deploy-error.js';
import { bnValue } from './fold-threshold.js';
import { checkGraph, wordsFor, type PackedGraph, type PackedLayer, type ScoreLayer, type ThresholdLayer } from './graph.js';
import { combinePlanes, packPlanes, pixelSum, PLANES, rowSums, scaledDot } from './pixel-dot.js';

/** Runs a packed graph (QNN-SPEC §5.2 "Running a BNN") through the kernel contract: whichever
 *  backend is active (`useBackend`) does the XNOR-popcount products; activations stay packed
 *  from layer to layer. Scratch memory grows to the largest batch seen and is then reused.
 *  @example const engine = new PackedEngine(await loadModelFile('model.lbit'));
 *           engine.predict(test.images, test.count)  // → Int32Array of classes */
export class PackedEngine {
  private readonly sums: Int32Array;
  private capacity = 0;
  private planes = new Uint32Array(0);
  private acts: [Uint32Array, Uint32Array] = [new Uint32Array(0), new Uint32Array(0)];
  private dots = new Int32Array(0);
  private sumsD = new Int32Array(0);

  constructor(readonly graph: PackedGraph) {
    checkGraph(graph, 'engine');
    const first = graph.layers[0]!;
    this.sums = rowSums(first.weights, first.outFeatures, first.inFeatures);
  }

  /** Class scores [count, classes] for `count` images of `inputs` raw bytes each. */
  run(pixels: Uint8Array, count = pixels.length / this.graph.inputs): Float32Array {
    const { inputs, classes, layers } = this.graph;
    if (!Number.isInteger(count) || count < 0 || pixels.length !== count * inputs) {
      throw new DeployError(`engine: expected count × ${inputs} pixel bytes, got ${pixels.length} bytes for count ${count}`);
    }
    this.reserve(count);
    const k = kernels(), scores = new Float32Array(count * classes);
    let input = this.acts[0], output = this.acts[1];
    for (const layer of layers) {
      const { inFeatures: kIn, outFeatures: n } = layer;
      if (layer.input === 'pixels8') {
        packPlanes(pixels, count, kIn, this.planes);
        k.xnorGemm(this.planes, layer.weights, this.dots, count * PLANES, n, kIn);
        combinePlanes(this.dots, count, n, this.sumsD);
      } else {
        k.xnorGemm(input, layer.weights, this.sumsD, count, n, kIn);
      }
      if (layer.kind === 'threshold') {
        packThresholds(layer, this.sumsD, count, output);
        [input, output] = [output, input];
      } else {
        this.score(layer, count, scores);
      }
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

  /** Scores evaluated exactly as the float model's bias add and BN (graph.ts ScoreLayer). */
  private score(layer: ScoreLayer, count: number, scores: Float32Array): void {
    const n = layer.outFeatures, a = layer.affine, pixels = layer.input === 'pixels8';
    for (let j = 0; j < n; j++) {
      const p = { bias: a[j]!, gamma: a[n + j]!, mean: a[2 * n + j]!, invStd: a[3 * n + j]!, beta: a[4 * n + j]! };
      for (let r = 0; r < count; r++) {
        const v = this.sumsD[r * n + j]!;
        const x = pixels ? Math.fround(scaledDot(this.graph.scale, pixelSum(v, this.sums[j]!), this.sums[j]!)) : v;
        scores[r * n + j] = bnValue(x, p);
      }
    }
  }

  private reserve(count: number): void {
    if (count <= this.capacity) return;
    const layers: PackedLayer[] = this.graph.layers;
    const maxOut = Math.max(...layers.map((l) => l.outFeatures));
    const maxWords = Math.max(...layers.map((l) => wordsFor(l.outFeatures)));
    this.planes = new Uint32Array(count * PLANES * wordsFor(this.graph.inputs));
    this.dots = new Int32Array(count * PLANES * layers[0]!.outFeatures);
    this.sumsD = new Int32Array(count * maxOut);
    this.acts = [new Uint32Array(count * maxWords), new Uint32Array(count * maxWords)];
    this.capacity = count;
  }
}

/** Integer threshold per unit → packed ±1 bits (bit 1 = −1), the next layer's input. */
function packThresholds(layer: ThresholdLayer, v: Int32Array, count: number, out: Uint32Array): void {
  const n = layer.outFeatures, words = wordsFor(n), t = layer.thresholds, dir = layer.directions;
  out.fill(0, 0, count * words);
  for (let r = 0; r < count; r++) {
    const row = r * n, base = r * words;
    for (let j = 0; j < n; j++) {
      const x = v[row + j]!;
      const minus = dir[j] === 0 ? x < t[j]! : x > t[j]!;
      if (minus) out[base + (j >>> 5)]! |= 1 << (j & 31);
    }
  }
}
