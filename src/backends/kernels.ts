/** The kernel contract: every backend implements these pure functions over typed arrays with
 *  explicit shapes. Kernels trust their sizes (the op checks them once), write into the output
 *  arrays they are given and allocate nothing in hot loops. Matrices are row-major.
 *
 *  Bit layout (DESIGN.md): a packed row of k ±1 values is ceil(k/32) u32 words; element i is bit
 *  i&31 of word i>>5; bit 1 = -1, bit 0 = +1 (the float sign bit); tail bits are 0. */
export interface Kernels {
  readonly name: string;

  // ---- matrix products -------------------------------------------------------------------
  /** Float GEMM: C[m,n] (+)= op(A)·op(B), op(A) [m,k], op(B) [k,n].
   *  A is stored [m,k], or [k,m] when transA; B is stored [k,n], or [n,k] when transB.
   *  accumulate=false overwrites C. */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void;

  /** Binary GEMM: C[m,n] = Σ_k A[m,k]·B[n,k] for ±1 values, A and B packed along k:
   *  `k - 2*popcount(a XOR b)` per output. a: m × words, b: n × words, words = ceil(k/32). */
  xnorGemm(a: Uint32Array, b: Uint32Array, c: Int32Array, m: number, n: number, k: number): void;

  /** C[m,n] (+)= op(A)[m,k] · S[k,n] where S is ±1 given packed *by column*: s holds n rows of
   *  ceil(k/32) words, bit kk of row j is S[kk,j]. A is stored [m,k], or [k,m] when transA.
   *  Training's dX = dY·Wb (Wb stored [out,in] and packed along out is not what we have) and
   *  dW = dYᵀ·Xb (transA: dY as it is) use this with one float operand. */
  gemmSignB(a: Float32Array, s: Uint32Array, c: Float32Array, m: number, n: number, k: number, accumulate: boolean,
    transA?: boolean): void;

  // ---- packing ---------------------------------------------------------------------------
  /** Pack signs of x [rows,k] along k: out rows × ceil(k/32) words; x >= 0 → bit 0, x < 0 → bit 1
   *  (sign(0) = +1; -0 counts as 0 and packs as bit 0). */
  packRows(x: Float32Array, out: Uint32Array, rows: number, k: number): void;
  /** Pack signs of x [k,n] along k (down the columns): out n × ceil(k/32) words. */
  packCols(x: Float32Array, out: Uint32Array, k: number, n: number): void;

  // ---- elementwise -----------------------------------------------------------------------
  /** out = x >= 0 ? +1 : -1. */
  sign(x: Float32Array, out: Float32Array): void;
  /** Stochastic binarization: out = u < hardSigmoid(x) ? +1 : -1, u uniform in [0,1) given. */
  stochasticSign(x: Float32Array, u: Float32Array, out: Float32Array): void;
  /** out = clamp(x, lo, hi). */
  clamp(x: Float32Array, out: Float32Array, lo: number, hi: number): void;
  /** STE mask: dx = lo <= x <= hi ? dy : 0. */
  passInside(dy: Float32Array, x: Float32Array, dx: Float32Array, lo: number, hi: number): void;
  /** out = a (op) b with broadcasting: both are read through strides over out's shape
   *  (stride 0 on a broadcast dim). */
  broadcastBinary(op: BinaryOp, a: Float32Array, aStrides: readonly number[], b: Float32Array,
    bStrides: readonly number[], out: Float32Array, outShape: readonly number[]): void;
  /** out = x * scale + shift, elementwise. */
  affine(x: Float32Array, out: Float32Array, scale: number, shift: number): void;
  /** Sum x (shape xShape) into out whose shape is xShape with the dims where keep[d] = false
   *  reduced to 1 (out is overwritten). */
  reduceSum(x: Float32Array, xShape: readonly number[], keep: readonly boolean[], out: Float32Array): void;
  /** Inverted dropout with keep probability 1-p: mask = u >= p ? 1/(1-p) : 0, out = x*mask. */
  dropout(x: Float32Array, u: Float32Array, p: number, out: Float32Array, mask: Float32Array): void;

  // ---- batch norm over [rows, ch] (dense: rows = batch; NHWC conv: rows = N·H·W) -----------
  /** Batch statistics: mean[c], invStd[c] = 1/sqrt(var[c] + eps) (biased variance), and
   *  xhat = (x - mean)·invStd, y = gamma·xhat + beta. */
  batchNormTrain(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array,
    eps: number, y: Float32Array, xhat: Float32Array, mean: Float32Array, invStd: Float32Array): void;
  /** y = gamma·(x - mean)·invStd + beta with given (running) statistics. */
  batchNormEval(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array,
    mean: Float32Array, invStd: Float32Array, y: Float32Array): void;
  /** Backward of batchNormTrain: dx, and dgamma/dbeta overwritten. */
  batchNormBackward(dy: Float32Array, xhat: Float32Array, rows: number, ch: number, gamma: Float32Array,
    invStd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void;

  // ---- losses over [rows, classes] logits with integer labels; return the mean loss -------
  /** Softmax cross-entropy, mean over rows; grad (if given) = (softmax - onehot)/rows. */
  softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, rows: number, classes: number, grad: Float32Array | null): number;
  /** Squared hinge with targets t = ±1 (one-hot): mean over rows×classes of max(0, 1 - t·y)²;
   *  grad (if given) = -2·t·max(0, 1 - t·y)/(rows·classes). QNN-SPEC §4.5. */
  squaredHinge(y: Float32Array, labels: Int32Array, rows: number, classes: number, grad: Float32Array | null): number;

  // ---- optimizer -------------------------------------------------------------------------
  /** One Adam step in place, t >= 1 the step count (bias correction), lr already scaled per
   *  parameter; then clip to [-clip, clip] when clip > 0. */
  adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, t: number, clip: number): void;

  // ---- log-quantized gradients (QNN-SPEC §3.5) -----------------------------------------------
  // Optional: a backend without them gets the reference versions (the ops fall back), so a
  // backend can adopt them one at a time.
  /** Pack a log-quantized matrix x [rows,k] along k into a sign row and `planes` exponent planes,
   *  words = ceil(k/32), tail bits 0:
   *    sign       rows × words            bit 1 where x < 0
   *    planeBits  rows × planes × words   plane p of a row has bit 1 where |x| = 2^(eMin + p)
   *  Every value must be 0 or ±2^e with eMin <= e < eMin + planes (what gradQuantLog makes); a 0
   *  sets no plane bit, so it drops out of every product. */
  packLogPlanes?(x: Float32Array, rows: number, k: number, eMin: number, planes: number,
    sign: Uint32Array, planeBits: Uint32Array): void;
  /** C[m,n] = Σ_k G[m,k]·S[n,k] with G log-quantized and packed by packLogPlanes (m rows) and S ±1
   *  packed along k (n rows of words, as xnorGemm's b). Bit-serial over the exponent planes:
   *    C[i,j] = Σ_p 2^(eMin+p) · (popcount(P_p) − 2·popcount(P_p AND (sign_i XOR s_j)))
   *  (a plane bit counts +1 where the signs agree, −1 where they differ). Exact: each plane's
   *  term is an integer times a power of two, the planes span fewer than 53 bits, so the sum is
   *  exact in float64 and rounds once to float32, which is what the float product of the same
   *  quantized values rounds to as well. Training's dX = G·Wb and dW = Gᵀ·Xb use it. */
  bitSerialLogGemm?(sign: Uint32Array, planeBits: Uint32Array, planes: number, eMin: number,
    s: Uint32Array, c: Float32Array, m: number, n: number, k: number): void;

  // ---- 8-bit inputs × ±1 weights (optional; deploy's first layer, QNN-SPEC §5.1) -----------------
  /** Exact integer product of unsigned bytes with packed ±1 weights:
   *    C[i,j] = Σ_p x[i,p]·w[j,p] = Σ_p x[i,p] − 2·Σ_{p: bit p of row j set} x[i,p]
   *  x: m rows of k bytes (row-major, no padding); s: n rows of ceil(k/32) words packed along k
   *  as xnorGemm's b (bit 1 = −1, tail bits 0). |C| <= 255·k, so results are exact in int32 for
   *  k <= 8,421,504. The packed inference engine's first layer on raw pixels uses it instead of
   *  8 bit-plane XNOR products where it is faster (batches of several images); a backend
   *  without it leaves the engine on the bit-plane route. */
  pixelSignGemm?(x: Uint8Array, s: Uint32Array, c: Int32Array, m: number, n: number, k: number): void;
  /** xnorGemm with b re-laid once by packSlices (reference/xnor-gemm-sliced.ts: 128 rows'
   *  bits transposed, slicedWords(n, k) words), for counting 128 columns at once bit-sliced.
   *  Same result, exactly. The packed engine's hidden layers use it where the backend has it. */
  xnorGemmSliced?(a: Uint32Array, t: Uint32Array, c: Int32Array, m: number, n: number, k: number): void;
  /** thresholdPack(C, m, n, null, 1, lim, flip, out) of C = xnorGemm(a, b): a hidden layer's packed
   *  sign outputs without the int32 product, b re-laid by packSlices (t) and lim by
   *  packThresholdSlices(t, lim, n, k) (th, reference/xnor-threshold-sliced.ts). Exact; k < 2^28. */
  xnorThresholdSliced?(a: Uint32Array, t: Uint32Array, th: Uint32Array, flip: Uint32Array, out: Uint32Array,
    m: number, n: number, k: number): void;
  /** pixelSignGemm with the weights re-laid once by packSignNibbles (reference/pixel-sign-nibbles.ts:
   *  16 columns' 4-bit groups side by side, signNibbleWords(n, k) words), for 16-entry table
   *  lookups. Same result, exactly; same limits. */
  pixelSignGemmNibbles?(x: Uint8Array, t: Uint32Array, c: Int32Array, m: number, n: number, k: number): void;
  /** The packed engine's binarization: for each of `rows` rows of n int32 products c,
   *  v[j] = base ? base[j] + scale·c[j] : c[j] (int32 arithmetic), and bit j of the row's packed
   *  output = (v[j] < lim[j]) XOR bit j of flip (ceil(n/32) words, bits past n 0); tail bits 0. Exact. */
  thresholdPack?(c: Int32Array, rows: number, n: number, base: Int32Array | null, scale: number,
    lim: Int32Array, flip: Uint32Array, out: Uint32Array): void;

  // ---- resident arrays (optional) --------------------------------------------------------------
  // A backend that computes in its own memory (wasm) copies every argument in and every result
  // out. An array it allocates itself is passed without either copy. A backend without these
  // members has no such memory: callers then use ordinary arrays (`allocResident?.(...) ?? new ...`).
  /** A zero-filled typed array of `length` elements viewing the backend's own memory, or
   *  undefined when the backend has no room for it (use an ordinary array then). It works with
   *  every backend and every kernel like any other array; given to this backend's kernels it is
   *  neither copied in nor out.
   *  Lifetime: the array stays valid until `freeResident(array)` or until it becomes unreachable
   *  (the backend then reuses its memory). A view made from it (`subarray`, `new
   *  Float32Array(array.buffer, ...)`) does not keep it alive: keep the array itself reachable
   *  while such a view is in use, and use neither after freeResident. Its buffer may be a
   *  SharedArrayBuffer (transfer lists and TextDecoder reject those; copy first).
   *  @example const w = kernels().allocResident?.('f32', n) ?? new Float32Array(n) */
  allocResident?<K extends ResidentKind>(kind: K, length: number): ResidentArray[K] | undefined;
  /** Give an array from allocResident back now instead of at garbage collection; anything else
   *  (an ordinary array, one freed already) is left alone. */
  freeResident?(array: ResidentArray[ResidentKind]): void;
}

/** Element kinds of a resident array: float32, uint32 (packed bits), int32. */
export type ResidentKind = 'f32' | 'u32' | 'i32';
/** The typed array allocResident returns for each kind. */
export interface ResidentArray { f32: Float32Array; u32: Uint32Array; i32: Int32Array }

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** Kernels a backend may leave to another (e.g. wasm leaves elementwise work to the reference). */
export type KernelName = Exclude<keyof Kernels, 'name' | 'allocResident' | 'freeResident'>;

/** The kernels a backend may omit; ops use the reference version then. */
export type OptionalKernelName = 'packLogPlanes' | 'bitSerialLogGemm' | 'pixelSignGemm' | 'pixelSignGemmNibbles' | 'xnorGemmSliced' | 'xnorThresholdSliced' | 'thresholdPack';
