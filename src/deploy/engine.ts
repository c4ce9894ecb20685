import { kernels as activeKernels } from '../backends/registry.js';
import type { ConvGeometry, HostArray, HostArrays, Kernels, OpaqueStorage, Prepared, ScoreDot, Storage, StorageKind } from '../backends/kernels.js';
import { DeployError } from './deploy-error.js';
import { checkGraph, convOutput, convPads, rowLength, thresholdsPerUnit, wordsFor, type ConvLayer, type PackedGraph, type PackedLayer } from './graph.js';
import { isSignCode, levelStep } from './levels.js';
import { pairWeights, planeSums, PLANES, rowSums } from './pixel-dot.js';

/** Images per pass through the layers: bounds the scratch memory (a 10,000-image predict does not
 *  hold 10,000 × 8 plane products) while every product still has many rows. */
const CHUNK = 256;
/** Conv layers hold a product per output pixel: fewer images per chunk keep the largest scratch
 *  array near this many elements. */
const CHUNK_ELEMENTS = 1 << 23;
/** pixelProduct is exact in int32 while 255·k < 2^31 (kernels.ts). */
const INTEGER_MAX_K = Math.floor((2 ** 31 - 1) / 255);

/** How the first layer multiplies raw 8-bit pixels by its ±1 (or k-bit plane) weights. Both are
 *  exact integer arithmetic and give the same scores bit for bit; they differ in speed only.
 *  - 'bitPlanes': the paper's method (QNN-SPEC §5.1): 8 bit-planes of the pixels, one XNOR
 *    product each, shifted and added.
 *  - 'integer': one product of the bytes with the ±1 weights (Kernels.pixelProduct, on weights the
 *    backend laid out once). Measured on the wasm backend (784 → 2048, 1 thread, 2-core EPYC):
 *    54 vs 87 µs at 1 image, 3.6 vs 8.6 ms at 100 against bit-planes (packing included).
 *  - 'auto' (default): 'integer' while it is exact (k <= 8,421,504 inputs), else 'bitPlanes'. */
export type FirstLayerRoute = 'auto' | 'bitPlanes' | 'integer';
const ROUTES: readonly FirstLayerRoute[] = ['auto', 'bitPlanes', 'integer'];

export interface PackedEngineOptions {
  /** First-layer method (FirstLayerRoute); default 'auto'. */
  firstLayer?: FirstLayerRoute;
}

/** One layer as the engine runs it: its weights prepared by the backend (in whatever layout its
 *  products read fastest) and its thresholds or score constants in the backend's storage. */
interface Step {
  layer: PackedLayer;
  k: number;
  n: number;
  /** Input planes P per image (8 for pixels), weight planes Q per unit, output planes. */
  p: number;
  q: number;
  outBits: number;
  /** The first layer's weights for pixelProduct (the integer route); else null. */
  pixel: Prepared<'pixel'> | null;
  /** The weights for binaryProduct (packed inputs, or the pixels' bit-planes); null on the integer route. */
  binary: Prepared<'binary'> | null;
  /** A 1-bit-in, 1-bit-out threshold layer of ±1 weights: product, threshold and packing in one kernel. */
  fused: Prepared<'binaryThreshold'> | null;
  /** A first layer on pixels with one threshold per unit and no pool: pixelThreshold's handle; else null. */
  pixelFused: Prepared<'pixelThreshold'> | null;
  /** Threshold i of unit j (index j·per + i) holds when (v < lim) XOR its flip: direction 0
   *  (v >= t) is NOT (v < t), direction 1 (v <= t) is v < t + 1. flipWords: the same flips as
   *  one bit per unit, for 1-bit outputs packed a word at a time. */
  lim: Storage<'i32'>;
  flip: Storage<'u8'>;
  flipWords: Storage<'u32'>;
  /** Σ over each weight row's ±1 values (integer route: links the pixel product to T). */
  rowSums: Storage<'i32'> | null;
  /** 255·rowSums: T = base − 2·S for thresholdPack on a 1-bit integer-route layer; else null. */
  base: Storage<'i32'> | null;
  /** The scores: Bsum per unit (levels.ts), the affine rows and how T maps to the float product. */
  bsum: Storage<'i32'> | null;
  affine: Storage<'f32'> | null;
  dot: ScoreDot | null;
  /** A conv layer (ConvLayer); else null. */
  conv: ConvLayer | null;
  /** A padded first conv on 'symmetric' pixels: its product runs over pixelPairs (p, 255 − p) with
   *  weights (w, −w), i.e. Σ w·(2p − 255) with the padding adding 0 (x = 0), so T = −that. */
  pairs: boolean;
  /** A dense layer after a conv: the conv's output image [h, w, c], whose pixel rows im2colBits
   *  lays out in Flatten's order (null where they already are: c a multiple of 32, or 1 × 1). */
  flatten: [number, number, number] | null;
}

/** Per image: what a step's scratch arrays hold at most (elements). */
interface Needs { acts: number; dots: number; t: number; cols: number; bytes: number; pairs: number; prepool: number }

/** Runs a packed graph (QNN-SPEC §5.2 "Running a BNN") on one backend (the active one when the
 *  engine is made): the backend does every step, XNOR-popcount products, thresholds, packing and
 *  the score epilogue, on its own storage; activations stay packed from layer to layer and
 *  numbers come back only when `run` or `predict` resolve. Scratch grows to the largest batch
 *  seen (at most CHUNK images) and is then reused. No float matrix products: the first layer is
 *  integer (bit-planes or bytes × ±1, `firstLayer`), the others XNOR-popcount. Conv layers
 *  (graph.ts ConvLayer) run as im2col over the packed NHWC activations (im2colBits; im2colBytes
 *  on pixels, always the bytes × ±1 route; a padded first conv on 'symmetric' pixels on
 *  pixelPairs' bytes), the product per output pixel, maxPoolInt on the integers, thresholdPack;
 *  on packed inputs im2col, the product and thresholds in one kernel (convThreshold: the wasm
 *  backend gathers unpadded rows from the image in place), then poolBits on
 *  the bits where the layer pools; a dense layer after them reads their pixels in Flatten's order (an
 *  im2colBits over the whole image where a pixel's channels are not whole words). `dispose()`
 *  gives the backend's memory back at once (else garbage collection does).
 *  @example const engine = new PackedEngine(await loadModelFile('model.lbit'));
 *           await engine.predict(test.images, test.count)  // → Int32Array of classes
 *  @example new PackedEngine(graph, { firstLayer: 'bitPlanes' })  // the paper's §5.1 method only */
export class PackedEngine {
  private readonly kernels: Kernels;
  private readonly steps: Step[];
  private readonly firstLayer: FirstLayerRoute;
  private disposed = false;
  private capacity = 0;
  private readonly chunk: number;
  private scratch: {
    planes: Storage<'u32'>; dots: Storage<'i32'>; t: Storage<'i32'>; acts: [Storage<'u32'>, Storage<'u32'>]; scores: Storage<'f32'>;
    cols: Storage<'u32'>; bytes: Storage<'u8'>; pairs: Storage<'u8'>; prepool: Storage<'u32'>;
  } | null = null;

  constructor(readonly graph: PackedGraph, opts: PackedEngineOptions = {}) {
    checkGraph(graph, 'engine');
    this.firstLayer = opts.firstLayer ?? 'auto';
    if (!ROUTES.includes(this.firstLayer)) {
      throw new DeployError(`engine: firstLayer '${String(opts.firstLayer)}' is not a route; use one of ${ROUTES.join(', ')}`);
    }
    if (this.firstLayer === 'bitPlanes' && graph.layers[0]!.kind === 'conv') {
      throw new DeployError("engine: firstLayer 'bitPlanes' is for a dense first layer; this graph starts with a conv, which the engine runs on the integer route (bytes × ±1, exact as well); leave firstLayer out");
    }
    this.kernels = activeKernels();
    this.steps = graph.layers.map((layer, i) => this.prepare(layer, graph.layers[i + 1], graph.layers[i - 1]));
    const convs = this.steps.some((s) => s.conv);
    this.chunk = convs ? Math.max(1, Math.min(CHUNK, Math.floor(CHUNK_ELEMENTS / Math.max(...Object.values(this.needs()))))) : CHUNK;
  }

  /** Class scores [count, classes] for `count` images of `inputs` raw bytes each. */
  async run(pixels: Uint8Array, count?: number): Promise<Float32Array> {
    const used = this.enqueue(pixels, count, 'run');
    return this.take(used, await this.kernels.read<'f32'>(used[0]));
  }

  /** Predicted class per image (first maximum, as argmax over the float model's scores). */
  async predict(pixels: Uint8Array, count?: number): Promise<Int32Array> {
    const used = this.enqueueClasses(pixels, count, 'predict');
    return this.take(used, await this.kernels.read<'i32'>(used[0]));
  }

  /** Give every storage and prepared layout back to the backend now. Idempotent; the engine
   *  cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const k = this.kernels;
    this.freeScratch();
    for (const s of this.steps) {
      for (const f of [s.fused, s.pixelFused]) if (f) k.freePrepared(f); // before the weights they read
      for (const p of [s.binary, s.pixel]) if (p) k.freePrepared(p);
      for (const buf of [s.lim, s.flip, s.flipWords, s.rowSums, s.base, s.bsum, s.affine]) if (buf) k.free(buf);
    }
  }

  /** The classes' storage, then what the run used (freed once the classes are read). */
  private enqueueClasses(pixels: Uint8Array, count: number | undefined, what: string): [Storage<'i32'>, ...OpaqueStorage[StorageKind][]] {
    const used = this.enqueue(pixels, count, what), k = this.kernels, rows = k.lengthOf(used[0]) / this.graph.classes;
    const classes = k.alloc('i32', rows);
    k.argmaxRows(used[0], rows, this.graph.classes, classes);
    return [classes, ...used];
  }

  /** The result's values as the caller's own array (a CPU backend's read may be the storage
   *  itself), every storage of the run freed once it is read. */
  private take<T extends HostArray>(used: readonly OpaqueStorage[StorageKind][], values: T): T {
    const own = values.slice() as T;
    for (const buf of used) this.kernels.free(buf);
    return own;
  }

  /** Checks the input at the API edge, then enqueues every chunk; returns the scores' storage
   *  and the pixels' (freed once the result is read). */
  private enqueue(pixels: Uint8Array, count: number | undefined, what: string): [Storage<'f32'>, ...Storage<'u8'>[]] {
    const { inputs, classes } = this.graph;
    if (this.disposed) throw new DeployError(`engine.${what}: this engine was disposed; make a new PackedEngine(graph) to run the model again`);
    if (!(pixels instanceof Uint8Array)) {
      const kind = (pixels as unknown as object | null)?.constructor?.name ?? String(pixels);
      throw new DeployError(`engine.${what}: pixels must be a Uint8Array of raw bytes (0..255), got ${kind}; `
        + `copy values already in 0..255 with Uint8Array.from(pixels)`);
    }
    count ??= pixels.length / inputs;
    if (!Number.isInteger(count) || count < 0 || pixels.length !== count * inputs) {
      throw new DeployError(`engine.${what}: expected count × ${inputs} pixel bytes, got ${pixels.length} bytes for count ${count}`);
    }
    const k = this.kernels, used: [Storage<'f32'>, ...Storage<'u8'>[]] = [k.alloc('f32', count * classes)];
    for (let start = 0; start < count; start += this.chunk) {
      const m = Math.min(this.chunk, count - start), x = k.fromArray(pixels.subarray(start * inputs, (start + m) * inputs));
      k.copy(this.runChunk(x, m), 0, used[0], start * classes, m * classes);
      used.push(x);
    }
    return used;
  }

  /** One chunk of m images through the layers; returns the scratch holding their scores. */
  private runChunk(x: Storage<'u8'>, m: number): Storage<'f32'> {
    const k = this.kernels, s = this.reserve(m);
    let [input, output] = s.acts;
    for (const step of this.steps) {
      const { layer, n, p, q } = step;
      if (step.flatten) {
        const [h, w, c] = step.flatten;
        k.im2colBits(input, { batch: m, height: h, width: w, channels: c, kh: h, kw: w, stride: 1, padTop: 0, padLeft: 0, outH: 1, outW: 1 }, output);
        [input, output] = [output, input];
      }
      if (step.conv) {
        this.runConv(step, step.conv, layer.input === 'pixels8' ? x : input, m, s, output);
        [input, output] = [output, input];
        continue;
      }
      if (step.fused) {
        k.binaryThreshold(input, step.fused, output, m);
        [input, output] = [output, input];
        continue;
      }
      let t: Storage<'i32'>;
      if (step.pixelFused) { // the common first layer: T = 255·Σw − 2·S, thresholded and packed
        k.pixelThreshold(x, step.pixelFused, output, m);
        [input, output] = [output, input];
        continue;
      }
      if (step.pixel) {
        k.pixelProduct(x, step.pixel, s.dots, m);
        k.combinePixelProducts(s.dots, m, n, q, step.rowSums!, s.t);
        t = s.t;
      } else {
        if (layer.input === 'pixels8') k.packPlanes(x, m, step.k, s.planes);
        k.binaryProduct(layer.input === 'pixels8' ? s.planes : input, step.binary!, s.dots, m * p);
        // one product per plane pair: combined into T; else T is the product
        if (p > 1 || q > 1) k.combinePlanes(s.dots, m, p, n, q, s.t);
        t = p > 1 || q > 1 ? s.t : s.dots;
      }
      if (layer.kind === 'scores') k.scoreRows(t, m, n, step.bsum!, step.dot!, step.affine!, s.scores);
      else if (step.outBits === 1) k.thresholdPack(t, m, n, null, 1, step.lim, step.flipWords, output);
      else k.packCodes(t, m, n, step.outBits, step.lim, step.flip, output);
      [input, output] = [output, input];
    }
    return s.scores;
  }

  /** One conv layer on m images: im2col, the product per output pixel, the pool, the thresholds. */
  private runConv(step: Step, layer: ConvLayer, input: Storage<'u32'> | Storage<'u8'>, m: number, s: NonNullable<PackedEngine['scratch']>, output: Storage<'u32'>): void {
    const k = this.kernels, c = layer.conv, g: ConvGeometry = { batch: m, ...c }, n = step.n, rows = m * c.outH * c.outW;
    if (layer.input === 'pixels8') {
      // byte pair (0, 0) is x = 0: the padding of 'symmetric' pixels; byte 0 is x = 0 for 'unit' ones
      if (step.pairs) k.pixelPairs(input as Storage<'u8'>, m * c.height * c.width, c.channels, s.pairs);
      const bytes = step.pairs ? s.pairs : input as Storage<'u8'>, bg = step.pairs ? { ...g, channels: 2 * c.channels } : g;
      // im2col, the product and thresholds in one kernel (the wasm backend gathers each window in place)
      if (step.pixelFused) { k.pixelConvThreshold(bytes, bg, 0, step.pixelFused, s.bytes, output); return; }
      k.im2colBytes(bytes, bg, 0, s.bytes);
      k.pixelProduct(s.bytes, step.pixel!, s.dots, rows);
    } else {
      if (step.fused) { // im2col and the fused product (convThreshold: the rows read in place where it can)
        if (!layer.pool) { k.convThreshold(input as Storage<'u32'>, g, step.fused, s.cols, output); return; }
        // every pixel thresholded, then pooled on the bits: max v < lim exactly when every v < lim
        // (Kernels.poolBits), so no integer product is stored, pooled and read again
        k.convThreshold(input as Storage<'u32'>, g, step.fused, s.cols, s.prepool);
        k.poolBits(s.prepool, poolGeometry(layer, m, n), step.flipWords, output);
        return;
      }
      k.im2colBits(input as Storage<'u32'>, g, s.cols);
      k.binaryProduct(s.cols, step.binary!, s.dots, rows);
    }
    let v = s.dots, vRows = rows;
    const pool = layer.pool;
    if (pool) { // the largest pre-activation per window: the largest S (pixels) or XNOR product
      k.maxPoolInt(s.dots, poolGeometry(layer, m, n), s.t);
      v = s.t; vRows = m * pool.outH * pool.outW;
    }
    // pixels: T = 255·Σw − 2·S, the D the thresholds were folded on (pixel-dot.ts); pairs: T = 0 − Σ w·(2p − 255), the same D
    k.thresholdPack(v, vRows, n, step.base, layer.input === 'pixels8' ? (step.pairs ? -1 : -2) : 1, step.lim, step.flipWords, output);
  }

  private prepare(layer: PackedLayer, next: PackedLayer | undefined, before: PackedLayer | undefined): Step {
    const conv = layer.kind === 'conv' ? layer : null;
    const k = this.kernels, inK = rowLength(layer), n = conv ? conv.filters : layer.outFeatures, q = layer.weightLevels.bits;
    const pixels = layer.input === 'pixels8', outBits = next?.inputLevels.bits ?? 1, per = thresholdsPerUnit(outBits);
    const lim = new Int32Array(n * per), flip = new Uint8Array(n * per), flipWords = new Uint32Array(wordsFor(n));
    if (layer.kind !== 'scores') {
      for (let i = 0; i < n * per; i++) {
        const t = layer.thresholds[i]!;
        // |v| < 2^31 − 1 (checkGraph), so v <= 2^31 − 1 and v < 2^31 − 1 agree: no overflow to mind
        if (layer.directions[i] === 0) { lim[i] = t; flip[i] = 1; } else lim[i] = t === 0x7fffffff ? t : t + 1;
      }
      if (outBits === 1) for (let j = 0; j < n; j++) flipWords[j >>> 5]! |= flip[j]! << (j & 31);
    }
    const step: Step = {
      layer, k: inK, n, p: pixels ? PLANES : layer.inputLevels.bits, q, outBits, pixel: null, binary: null, fused: null, pixelFused: null,
      lim: this.upload('i32', lim), flip: this.upload('u8', flip), flipWords: this.upload('u32', flipWords),
      rowSums: null, base: null, bsum: null, affine: null, dot: null, conv, flatten: null,
      pairs: !!conv && pixels && this.graph.scale === 'symmetric' && convPads(conv.conv),
    };
    if (before?.kind === 'conv' && !conv) {
      const [h, w, c] = convOutput(before);
      if (c % 32 !== 0 && h * w > 1) step.flatten = [h, w, c];
    }
    const weights = k.fromArray(layer.weights);
    if (step.pairs) { // 2·inK <= 2·MAX_FEATURES < INTEGER_MAX_K (graph.ts): exact
      const paired = k.fromArray(pairWeights(layer.weights, n, inK / conv!.conv.channels, conv!.conv.channels));
      step.pixel = k.preparePixelWeights(paired, n, 2 * inK);
      k.free(paired);
      step.base = this.upload('i32', new Int32Array(n));
    } else if (pixels && this.firstLayer !== 'bitPlanes' && inK <= INTEGER_MAX_K) {
      step.pixel = k.preparePixelWeights(weights, n * q, inK);
      const sums = rowSums(layer.weights, n * q, inK);
      step.rowSums = this.upload('i32', sums);
      if (layer.kind !== 'scores' && outBits === 1 && q === 1) step.base = this.upload('i32', sums.map((v) => 255 * v));
    } else {
      step.binary = k.prepareBinaryWeights(weights, n * q, inK);
      if (!pixels && layer.kind !== 'scores' && outBits === 1 && q === 1 && step.p === 1) {
        step.fused = k.prepareBinaryThreshold(step.binary, step.lim, step.flipWords);
      }
    }
    // pixels then one threshold, no pool between: the product thresholded where it is made
    // (T = base − 2·S; byte pairs T = 0 − S, the D the thresholds were folded on: see runConv)
    if (step.pixel && step.base && !(conv && conv.pool)) {
      step.pixelFused = k.preparePixelThreshold(step.pixel, step.base, step.pairs ? -1 : -2, step.lim, step.flipWords);
    }
    k.free(weights); // prepare keeps no reference to it (the graph's own array on a CPU backend: left alone)
    if (layer.kind === 'scores') {
      step.bsum = this.upload('i32', Int32Array.from(planeSums(layer.weights, n, q, inK)));
      step.affine = this.upload('f32', layer.affine);
      step.dot = scoreDot(layer, pixels && isSignCode(layer.weightLevels) ? this.graph.scale : null); // as dotValue: the pixel form holds for the sign's code only
    }
    return step;
  }

  /** Persistent storage holding a copy of host values (model constants). */
  private upload<K extends StorageKind>(kind: K, values: HostArrays[K]): OpaqueStorage[K] {
    const buf = this.kernels.alloc(kind, values.length, true);
    this.kernels.write(buf, values);
    return buf;
  }

  /** Per image, the most each scratch array holds over the steps. */
  private needs(): Needs {
    const need: Needs = { acts: 0, dots: 0, t: 0, cols: 0, bytes: 0, pairs: 0, prepool: 0 };
    const most = (key: keyof Needs, v: number): void => { need[key] = Math.max(need[key], v); };
    // a fused step writes its packed output directly: no integer product or pool of it
    const fused = (s: Step): boolean => s.fused !== null || s.pixelFused !== null;
    for (const s of this.steps) {
      const c = s.conv?.conv;
      if (s.conv && c) {
        const [h, w] = convOutput(s.conv), pixels = c.outH * c.outW;
        most('acts', h * w * wordsFor(s.n));
        if (!fused(s)) { most('dots', pixels * s.n); most('t', h * w * s.n); }
        if (s.conv.input === 'pixels8') most('bytes', pixels * c.kh * c.kw * c.channels * (s.pairs ? 2 : 1));
        if (s.pairs) most('pairs', 2 * c.height * c.width * c.channels);
        else most('cols', pixels * wordsFor(c.kh * c.kw * c.channels));
        if (s.fused && s.conv.pool) most('prepool', pixels * wordsFor(s.n));
      } else {
        // the first layer's integer product needs n·q per image, its bit-plane one 8·n·q
        most('acts', Math.max(s.outBits * wordsFor(s.n), s.layer.input === 'bits' ? s.p * wordsFor(s.k) : 0));
        if (!fused(s)) { most('dots', (s.pixel ? 1 : s.p) * s.n * s.q); most('t', s.n); }
      }
    }
    return need;
  }

  private reserve(count: number): NonNullable<PackedEngine['scratch']> {
    if (this.scratch && count <= this.capacity) return this.scratch;
    this.freeScratch();
    const k = this.kernels, first = this.steps[0]!, need = this.needs();
    this.scratch = {
      planes: k.alloc('u32', first.binary && first.layer.input === 'pixels8' && !first.conv ? count * PLANES * wordsFor(first.k) : 0, true),
      dots: k.alloc('i32', count * need.dots, true),
      t: k.alloc('i32', count * need.t, true),
      acts: [k.alloc('u32', count * need.acts, true), k.alloc('u32', count * need.acts, true)],
      scores: k.alloc('f32', count * this.graph.classes, true),
      cols: k.alloc('u32', count * need.cols, true),
      bytes: k.alloc('u8', count * need.bytes, true),
      pairs: k.alloc('u8', count * need.pairs, true),
      prepool: k.alloc('u32', count * need.prepool, true),
    };
    this.capacity = count;
    return this.scratch;
  }

  private freeScratch(): void {
    const s = this.scratch;
    if (!s) return;
    for (const buf of [s.planes, s.dots, s.t, ...s.acts, s.scores, s.cols, s.bytes, s.pairs, s.prepool]) this.kernels.free(buf);
    this.scratch = null;
    this.capacity = 0;
  }
}

/** How scoreRows maps the last layer's T to the float model's product (levels.ts dotValue, whose
 *  expressions scoreRows evaluates with these constants in the same order). */
function scoreDot(layer: PackedLayer, pixels: PackedGraph['scale'] | null): ScoreDot {
  if (pixels) return { kind: 'pixels', symmetric: pixels === 'symmetric' };
  const x = layer.inputLevels, w = layer.weightLevels, sx = levelStep(x), sw = levelStep(w), cx = (x.lo + x.hi) / 2;
  return { kind: 'levels', a: (sx * sw) / 4, c: cx * (sw / 2) };
}

/** The pool of a conv layer's m output images of n channels, as a geometry (no padding). */
function poolGeometry(layer: ConvLayer, m: number, n: number): ConvGeometry {
  const c = layer.conv, pool = layer.pool!;
  return { batch: m, height: c.outH, width: c.outW, channels: n, kh: pool.size, kw: pool.size, stride: pool.stride, padTop: 0, padLeft: 0, outH: pool.outH, outW: pool.outW };
}
