/** The kernel contract. A backend owns the storage of every tensor it computes (`Storage`, an
 *  opaque handle: a typed array in the CPU backends' case, a GPU buffer in a GPU backend's) and
 *  runs kernels on it: pure functions over storage with explicit shapes. Kernels trust their
 *  sizes (the op checks them once) and write into the outputs they are given. A kernel may only
 *  be *enqueued* when the call returns (an asynchronous backend finishes it later): nothing above
 *  the backends reads numbers between kernels; they come back at the explicit edges `read`
 *  (await) and `readSync` (synchronous backends only). Matrices are row-major.
 *
 *  Bit layout (DESIGN.md): a packed row of k ±1 values is ceil(k/32) u32 words; element i is bit
 *  i&31 of word i>>5; bit 1 = -1, bit 0 = +1 (the float sign bit); tail bits are 0.
 *
 *  The contract is generic in the storage types `S`: layers above the backends see the opaque
 *  `Kernels` (S = OpaqueStorage) and so cannot read a handle's numbers; the CPU backends
 *  implement `Kernels<HostArrays>` (their handles are the typed arrays themselves) and are cast
 *  to the opaque contract once, where they are registered (registry.ts). */

/** Element kinds of storage: float32, int32, uint32 (packed bits), uint8 (raw bytes). */
export type StorageKind = 'f32' | 'i32' | 'u32' | 'u8';
/** The host typed array of each kind: what `read` returns and `fromArray` takes. */
export interface HostArrays { f32: Float32Array; i32: Int32Array; u32: Uint32Array; u8: Uint8Array }
export type HostArray = HostArrays[StorageKind];

declare const storageBrand: unique symbol;
/** A backend-owned handle to `kind` elements; only its backend can read or compute with it. */
export interface Storage<K extends StorageKind> { readonly [storageBrand]: K }
export interface OpaqueStorage { f32: Storage<'f32'>; i32: Storage<'i32'>; u32: Storage<'u32'>; u8: Storage<'u8'> }
/** The storage types a backend's kernels take: opaque above the backends, typed arrays inside the CPU backends. */
export interface StorageTypes { f32: unknown; i32: unknown; u32: unknown; u8: unknown }

/** Storage and execution: what makes a set of kernels a backend. */
export interface StorageMembers<S extends StorageTypes = OpaqueStorage> {
  /** Zero-filled storage of `length` elements. `persistent`: it lives across many kernel calls
   *  (parameters, optimizer slots, a model's weights), so a backend may place it where its
   *  kernels read it without copying (wasm's own memory). */
  alloc<K extends StorageKind>(kind: K, length: number, persistent?: boolean): S[K];
  /** Storage for the output of the next kernel, which writes every element of it: as alloc's
   *  (not persistent), but where the backend can skip the zero-fill (inside wasm's step scope)
   *  its values before are unspecified. Backends without it: alloc. */
  allocOutput?<K extends StorageKind>(kind: K, length: number): S[K];
  /** Storage holding these values. The backend may take the array itself (the CPU backends do):
   *  do not write to it afterwards. */
  fromArray(array: Float32Array): S['f32'];
  fromArray(array: Int32Array): S['i32'];
  fromArray(array: Uint32Array): S['u32'];
  fromArray(array: Uint8Array): S['u8'];
  /** Overwrite storage's values from `values` (enqueued after the kernels before it). */
  write<K extends StorageKind>(dst: S[K], values: HostArrays[K]): void;
  /** Whether x is a storage handle (as opposed to host values to upload with fromArray). */
  isStorage(x: unknown): boolean;
  /** Elements of a storage. */
  lengthOf(buf: S[StorageKind]): number;
  /** Its values once every kernel enqueued before has finished. On a CPU backend this may be
   *  the storage itself: treat it as read-only. */
  read<K extends StorageKind>(buf: S[K]): Promise<HostArrays[K]>;
  /** The same, at once: only synchronous backends have it (reference, wasm). */
  readSync?<K extends StorageKind>(buf: S[K]): HostArrays[K];
  /** Resolves when every kernel enqueued so far has finished. */
  flush(): Promise<void>;
  /** Give storage back now rather than at garbage collection; anything else is left alone. */
  free(buf: S[StorageKind]): void;
  /** Run fn (a training step) with the storage it makes that is not persistent placed where the
   *  kernels use it without copies, and reused by the next scope: nothing made inside may be
   *  used after fn returns (the backend refuses it). Backends without it run fn as it is. */
  stepScope?<T>(fn: () => T): T;
}

/** The kernels every backend offers. Those a backend does not implement itself come from the
 *  reference backend, in one place (registry.ts `completeBackend`). */
export interface Kernels<S extends StorageTypes = OpaqueStorage> extends StorageMembers<S> {
  readonly name: string;
  /** The kernels this backend implements itself (the rest are the reference's). */
  readonly native: ReadonlySet<KernelName>;

  // ---- matrix products -------------------------------------------------------------------
  /** Float GEMM: C[m,n] (+)= op(A)·op(B), op(A) [m,k], op(B) [k,n].
   *  A is stored [m,k], or [k,m] when transA; B is stored [k,n], or [n,k] when transB.
   *  accumulate=false overwrites C. */
  gemm(a: S['f32'], b: S['f32'], c: S['f32'], m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void;

  /** Binary GEMM: C[m,n] = Σ_k A[m,k]·B[n,k] for ±1 values, A and B packed along k:
   *  `k - 2*popcount(a XOR b)` per output. a: m × words, b: n × words, words = ceil(k/32). */
  xnorGemm(a: S['u32'], b: S['u32'], c: S['i32'], m: number, n: number, k: number): void;

  /** C[m,n] (+)= op(A)[m,k] · S[k,n] where S is ±1 given packed *by column*: s holds n rows of
   *  ceil(k/32) words, bit kk of row j is S[kk,j]. A is stored [m,k], or [k,m] when transA.
   *  Training's dX = dY·Wb (Wb stored [out,in] and packed along out is not what we have) and
   *  dW = dYᵀ·Xb (transA: dY as it is) use this with one float operand. */
  gemmSignB(a: S['f32'], s: S['u32'], c: S['f32'], m: number, n: number, k: number, accumulate: boolean,
    transA?: boolean): void;

  // ---- packing ---------------------------------------------------------------------------
  /** Pack signs of x [rows,k] along k: out rows × ceil(k/32) words; x >= 0 → bit 0, x < 0 → bit 1
   *  (sign(0) = +1; -0 counts as 0 and packs as bit 0). */
  packRows(x: S['f32'], out: S['u32'], rows: number, k: number): void;
  /** Pack signs of x [k,n] along k (down the columns): out n × ceil(k/32) words. */
  packCols(x: S['f32'], out: S['u32'], k: number, n: number): void;

  // ---- elementwise (over the whole storage) -----------------------------------------------
  /** out = x >= 0 ? +1 : -1. */
  sign(x: S['f32'], out: S['f32']): void;
  /** Stochastic binarization: out = u < hardSigmoid(x) ? +1 : -1, u uniform in [0,1) given. */
  stochasticSign(x: S['f32'], u: S['f32'], out: S['f32']): void;
  /** out = clamp(x, lo, hi). */
  clamp(x: S['f32'], out: S['f32'], lo: number, hi: number): void;
  /** STE mask: dx = lo <= x <= hi ? dy : 0. */
  passInside(dy: S['f32'], x: S['f32'], dx: S['f32'], lo: number, hi: number): void;
  /** out = a (op) b with broadcasting: both are read through strides over out's shape
   *  (stride 0 on a broadcast dim). */
  broadcastBinary(op: BinaryOp, a: S['f32'], aStrides: readonly number[], b: S['f32'],
    bStrides: readonly number[], out: S['f32'], outShape: readonly number[]): void;
  /** Sum x (shape xShape) into out whose shape is xShape with the dims where keep[d] = false
   *  reduced to 1 (out is overwritten), then times `scale`. */
  reduceSum(x: S['f32'], xShape: readonly number[], keep: readonly boolean[], out: S['f32'], scale?: number): void;
  /** Inverted dropout with keep probability 1-p: mask = u >= p ? 1/(1-p) : 0, out = x*mask. */
  dropout(x: S['f32'], u: S['f32'], p: number, out: S['f32'], mask: S['f32']): void;
  /** LinearQuantK (QNN-SPEC §3.2): out = lo + Δ·floor((clip(x, lo, hi) − lo)/Δ + 0.5), Δ = (hi − lo)/(levels − 1),
   *  in double, rounded once to float32. Throws (or fails the next read) on a NaN input. */
  linearQuantize(x: S['f32'], out: S['f32'], levels: number, lo: number, hi: number): void;
  /** LogQuantK (QNN-SPEC §3.2): 0 stays 0, else ±2^e, e = roundHalfAway(log2|x|) clamped to eMax,
   *  0 below eMin. Throws (or fails the next read) on a NaN input. */
  logQuantize(x: S['f32'], out: S['f32'], eMin: number, eMax: number): void;
  /** out = x as float32 (integer products to float activations; exact below 2^24). */
  intToFloat(x: S['i32'], out: S['f32']): void;
  /** out[r,c] = x[c,r] for x [rows, cols]. */
  transpose(x: S['f32'], rows: number, cols: number, out: S['f32']): void;
  /** dst[dstAt + i] = src[srcAt + i] for i < n (f32). */
  copy(src: S['f32'], srcAt: number, dst: S['f32'], dstAt: number, n: number): void;

  // ---- batch norm over [rows, ch] (dense: rows = batch; NHWC conv: rows = N·H·W) -----------
  /** Batch statistics: mean[c], invStd[c] = 1/sqrt(var[c] + eps) (biased variance), and
   *  xhat = (x - mean)·invStd, y = gamma·xhat + beta. */
  batchNormTrain(x: S['f32'], rows: number, ch: number, gamma: S['f32'], beta: S['f32'],
    eps: number, y: S['f32'], xhat: S['f32'], mean: S['f32'], invStd: S['f32']): void;
  /** y = gamma·(x - mean)·invStd + beta with given (running) statistics. */
  batchNormEval(x: S['f32'], rows: number, ch: number, gamma: S['f32'], beta: S['f32'],
    mean: S['f32'], invStd: S['f32'], y: S['f32']): void;
  /** Backward of batchNormTrain: dx, and dgamma/dbeta overwritten. */
  batchNormBackward(dy: S['f32'], xhat: S['f32'], rows: number, ch: number, gamma: S['f32'],
    invStd: S['f32'], dx: S['f32'], dgamma: S['f32'], dbeta: S['f32']): void;
  /** batchNormTrain, then out = clamp(y, -1, 1) as `clamp` writes it: the hardtanh after the norm
   *  (y stays: the hardtanh's gradient reads it). */
  batchNormTrainHardtanh(x: S['f32'], rows: number, ch: number, gamma: S['f32'], beta: S['f32'],
    eps: number, y: S['f32'], out: S['f32'], xhat: S['f32'], mean: S['f32'], invStd: S['f32']): void;
  /** batchNormBackward of passInside(dout, y, -1, 1): the hardtanh's gradient (y: the norm's
   *  output, batchNormTrainHardtanh's) and the norm's, with the same results as those two kernels. */
  batchNormHardtanhBackward(dout: S['f32'], y: S['f32'], xhat: S['f32'], rows: number, ch: number, gamma: S['f32'],
    invStd: S['f32'], dx: S['f32'], dgamma: S['f32'], dbeta: S['f32']): void;
  /** Backward of batchNormEval (statistics constant): dx = dy·γ·invStd, dγ = Σ dy·(x − mean)·invStd,
   *  dβ = Σ dy, the sums over rows. */
  batchNormEvalBackward(dy: S['f32'], x: S['f32'], rows: number, ch: number, gamma: S['f32'],
    mean: S['f32'], invStd: S['f32'], dx: S['f32'], dgamma: S['f32'], dbeta: S['f32']): void;
  /** Running averages: avg = (1 - momentum)·avg + momentum·x, elementwise (BN's statistics). */
  runningAverage(avg: S['f32'], x: S['f32'], momentum: number): void;
  /** Shift-based batch norm (QNN-SPEC §4.1, reference/shift-batch-norm.ts has the formulas).
   *  Train: y, the batch mean and inverse std (before AP2) and, for backward, the centred values,
   *  their AP2 and the per-channel shift AP2(invStd). */
  shiftBatchNormTrain(x: S['f32'], rows: number, ch: number, gamma: S['f32'], beta: S['f32'], eps: number,
    y: S['f32'], mean: S['f32'], invStd: S['f32'], centred: S['f32'], centredAp2: S['f32'], shift: S['f32']): void;
  /** Eval: y = (x − mean)·AP2(invStd)·AP2(γ) + β. */
  shiftBatchNormEval(x: S['f32'], rows: number, ch: number, gamma: S['f32'], beta: S['f32'],
    mean: S['f32'], invStd: S['f32'], y: S['f32']): void;
  /** Backward of shiftBatchNormTrain: dx, dgamma, dbeta overwritten. */
  shiftBatchNormBackward(dy: S['f32'], rows: number, ch: number, gamma: S['f32'], centred: S['f32'],
    centredAp2: S['f32'], shift: S['f32'], dx: S['f32'], dgamma: S['f32'], dbeta: S['f32']): void;
  /** Backward of shiftBatchNormEval (statistics constant): dx = dy·AP2(invStd)·AP2(γ),
   *  dgamma = Σ AP2((x − mean)·AP2(invStd))·dy, dbeta = Σ dy. */
  shiftBatchNormEvalBackward(dy: S['f32'], x: S['f32'], rows: number, ch: number, gamma: S['f32'],
    mean: S['f32'], invStd: S['f32'], dx: S['f32'], dgamma: S['f32'], dbeta: S['f32']): void;

  // ---- losses over [rows, classes] scores with integer labels --------------------------------
  /** Softmax cross-entropy, mean over rows, written to loss[0]; grad = (softmax - onehot)/rows. */
  softmaxCrossEntropy(logits: S['f32'], labels: S['i32'], rows: number, classes: number, grad: S['f32'], loss: S['f32']): void;
  /** Squared hinge with targets t = ±1 (one-hot): mean over rows×classes of max(0, 1 - t·y)²
   *  to loss[0]; grad = -2·t·max(0, 1 - t·y)/(rows·classes). QNN-SPEC §4.5. */
  squaredHinge(y: S['f32'], labels: S['i32'], rows: number, classes: number, grad: S['f32'], loss: S['f32']): void;
  /** count[0] += the rows whose first maximum is not at their label (a batch's errors). */
  countErrors(scores: S['f32'], labels: S['i32'], rows: number, classes: number, count: S['i32']): void;
  /** out[r] = index of the first maximum of row r of x [rows, classes]. */
  argmaxRows(x: S['f32'], rows: number, classes: number, out: S['i32']): void;

  // ---- optimizers ------------------------------------------------------------------------
  /** One Adam step in place, t >= 1 the step count (bias correction), lr already scaled per
   *  parameter; then clip to [-clip, clip] when clip > 0. */
  adamStep(param: S['f32'], grad: S['f32'], m: S['f32'], v: S['f32'],
    lr: number, beta1: number, beta2: number, eps: number, t: number, clip: number): void;
  /** One shift-based AdaMax step in place (QNN-SPEC §4.3; reference/shift-adamax.ts), `step`
   *  the AP2'd step size times the parameter's lr scale; then clip when clip > 0. */
  shiftAdaMaxStep(param: S['f32'], grad: S['f32'], m: S['f32'], v: S['f32'], step: number,
    beta1: number, beta2: number, eps: number, torch: boolean, clip: number): void;

  // ---- log-quantized gradients (QNN-SPEC §3.5) -----------------------------------------------
  /** GradQuantLog: out = each g log-quantized with `bits` bits and one scale for the whole
   *  storage, eMax = roundHalfAway(log2 max|g|), and scale = [eMin, eMax] (eMin = eMax − planes + 1,
   *  planes = 2^(bits−1) − 1); an all-zero g gives zeros and [0, planes − 1]. Throws (or fails the
   *  next read, on an asynchronous backend) on a non-finite g. */
  gradQuantLog(g: S['f32'], bits: number, out: S['f32'], scale: S['i32']): void;
  /** Pack a log-quantized matrix x [rows,k] along k into a sign row and `planes` exponent planes,
   *  words = ceil(k/32), tail bits 0, eMin = scale[0] (as gradQuantLog writes it):
   *    sign       rows × words            bit 1 where x < 0
   *    planeBits  rows × planes × words   plane p of a row has bit 1 where |x| = 2^(eMin + p)
   *  Every value must be 0 or ±2^e with eMin <= e < eMin + planes; a 0 sets no plane bit. */
  packLogPlanes(x: S['f32'], rows: number, k: number, scale: S['i32'], planes: number,
    sign: S['u32'], planeBits: S['u32']): void;
  /** C[m,n] = Σ_k G[m,k]·S[n,k] with G log-quantized and packed by packLogPlanes (m rows) and S ±1
   *  packed along k (n rows of words, as xnorGemm's b), eMin = scale[0]. Bit-serial over the planes:
   *    C[i,j] = Σ_p 2^(eMin+p) · (popcount(P_p) − 2·popcount(P_p AND (sign_i XOR s_j)))
   *  Exact: each plane's term is an integer times a power of two, the planes span fewer than 53
   *  bits, so the sum is exact in float64 and rounds once to float32, as the float product of the
   *  same quantized values does. Training's dX = G·Wb and dW = Gᵀ·Xb use it. */
  bitSerialLogGemm(sign: S['u32'], planeBits: S['u32'], planes: number, scale: S['i32'],
    s: S['u32'], c: S['f32'], m: number, n: number, k: number): void;

  // ---- packed inference (deploy's engine) ------------------------------------------------------
  /** Exact integer product of unsigned bytes with packed ±1 weights:
   *    C[i,j] = Σ_p x[i,p]·w[j,p] = Σ_p x[i,p] − 2·Σ_{p: bit p of row j set} x[i,p]
   *  x: m rows of k bytes; s: n rows of ceil(k/32) words packed along k as xnorGemm's b.
   *  |C| <= 255·k, so results are exact in int32 for k <= 8,421,504. */
  pixelSignGemm(x: S['u8'], s: S['u32'], c: S['i32'], m: number, n: number, k: number): void;
  /** The packed engine's binarization: for each of `rows` rows of n int32 products c,
   *  v[j] = base ? base[j] + scale·c[j] : c[j] (int32 arithmetic), and bit j of the row's packed
   *  output = (v[j] < lim[j]) XOR bit j of flip (ceil(n/32) words, bits past n 0). Exact. */
  thresholdPack(c: S['i32'], rows: number, n: number, base: S['i32'] | null, scale: number,
    lim: S['i32'], flip: S['u32'], out: S['u32']): void;

  /** xnorGemm with b re-laid once by packSlices (reference/xnor-gemm-sliced.ts: 128 rows'
   *  bits transposed, slicedWords(n, k) words), for counting 128 columns at once bit-sliced. */
  xnorGemmSliced(a: S['u32'], t: S['u32'], c: S['i32'], m: number, n: number, k: number): void;
  /** thresholdPack(C, m, n, null, 1, lim, flip, out) of C = xnorGemm(a, b), b re-laid by packSlices
   *  (t) and lim by packThresholdSlices(t, lim, n, k) (th). Exact; k < 2^28. */
  xnorThresholdSliced(a: S['u32'], t: S['u32'], th: S['u32'], flip: S['u32'], out: S['u32'],
    m: number, n: number, k: number): void;
  /** pixelSignGemm with the weights re-laid once by packSignNibbles (reference/pixel-sign-nibbles.ts). */
  pixelSignGemmNibbles(x: S['u8'], t: S['u32'], c: S['i32'], m: number, n: number, k: number): void;

  // ---- packed inference: prepared layouts and the engine's epilogues -------------------------
  // Weights that run many times are laid out once by the backend (`prepare*`), in whatever form
  // its products read fastest (wasm: bit-sliced from 128 columns on, nibble tables for pixels);
  // the handle is opaque above the backends. A prepare call reads its storage arguments when it
  // runs (enqueued like a kernel) and keeps no reference to them: free them afterwards at will.
  // A backend implements the prepare* kernels and the products that take their handles together.
  /** Packed ±1 weights b (n rows of ceil(k/32) words, as xnorGemm's b) laid out for binaryProduct. */
  prepareBinaryWeights(b: S['u32'], n: number, k: number): Prepared<'binary'>;
  /** C[m,n] = xnorGemm(a, b) with b prepared (n, k as prepared). Exact. */
  binaryProduct(a: S['u32'], w: Prepared<'binary'>, c: S['i32'], m: number): void;
  /** A 1-bit-in, 1-bit-out layer: weights w (which must outlive this handle) with thresholds
   *  lim (n int32) and flips (ceil(n/32) words, bits past n 0), as thresholdPack takes them. */
  prepareBinaryThreshold(w: Prepared<'binary'>, lim: S['i32'], flip: S['u32']): Prepared<'binaryThreshold'>;
  /** out = thresholdPack(xnorGemm(a, b), m, n, null, 1, lim, flip): m packed rows of ceil(n/32)
   *  words, the product never stored where the backend can fuse it. Exact. */
  binaryThreshold(a: S['u32'], t: Prepared<'binaryThreshold'>, out: S['u32'], m: number): void;
  /** Packed ±1 weights s (n rows of ceil(k/32) words) laid out for pixelProduct. */
  preparePixelWeights(s: S['u32'], n: number, k: number): Prepared<'pixel'>;
  /** C[m,n] = pixelSignGemm(x, s) with s prepared: bytes times ±1, exact in int32 for k <= 8,421,504. */
  pixelProduct(x: S['u8'], w: Prepared<'pixel'>, c: S['i32'], m: number): void;
  /** A first layer on bytes followed by a sign: weights w (which must outlive this handle), then
   *  thresholdPack's base (n int32), integer scale, thresholds lim (n int32) and flips. */
  preparePixelThreshold(w: Prepared<'pixel'>, base: S['i32'], scale: number, lim: S['i32'], flip: S['u32']): Prepared<'pixelThreshold'>;
  /** out = thresholdPack(pixelProduct(x, w), m, n, base, scale, lim, flip): m packed rows of
   *  ceil(n/32) words, the product never stored in full where the backend can fuse it. Exact. */
  pixelThreshold(x: S['u8'], t: Prepared<'pixelThreshold'>, out: S['u32'], m: number): void;
  /** Give a prepared layout's memory back now (else at garbage collection); a second call does nothing. */
  freePrepared(p: Prepared<PreparedKind>): void;
  /** The 8 bit-planes of `count` images of k bytes (QNN-SPEC §5.1): row img·8 + b of out
   *  (ceil(k/32) words, tail bits 0) holds bit b of every pixel of image img. */
  packPlanes(pixels: S['u8'], count: number, k: number, out: S['u32']): void;
  /** T[r,j] = Σ_{b<p, w<q} 2^{b+w}·C[r·p + b, j·q + w]: the plane products C [rows·p, n·q] of
   *  `rows` inputs of p planes and n units of q weight planes combined (int32, exact while
   *  |T| < 2^31, which the packed graph guarantees). t: rows × n. */
  combinePlanes(c: S['i32'], rows: number, p: number, n: number, q: number, t: S['i32']): void;
  /** T[r,j] = Σ_{w<q} 2^w·(255·sums[j·q + w] − 2·S[r, j·q + w]) from the pixel products S
   *  [rows, n·q] (pixelProduct) and each weight row's Σ of ±1 values: the same T as
   *  combinePlanes gives from the 8 bit-plane products (deploy/pixel-dot.ts). t: rows × n. */
  combinePixelProducts(s: S['i32'], rows: number, n: number, q: number, sums: S['i32'], t: S['i32']): void;
  /** k-bit output codes: unit j of row r gets code = Σ_{i<2^bits−1} (v[r,j] < lim[j·per + i]) XOR
   *  flip[j·per + i] (per = 2^bits − 1), written as `bits` planes: out row r holds bits × ceil(n/32)
   *  words, plane b (bit b of every code) at word b·ceil(n/32). Tail bits 0. Exact. */
  packCodes(v: S['i32'], rows: number, n: number, bits: number, lim: S['i32'], flip: S['u8'], out: S['u32']): void;
  /** Class scores from the last layer's integers T [rows, n], as the float model evaluates them
   *  (deploy/levels.ts dotValue, then fold-threshold.ts bnValue), in float64 rounded to float32
   *  where shown, so bit for bit the float model's (the parity tests pin it):
   *    x = f32(dot), dot = a·T − c·bsum[j]                    (dot.kind 'levels')
   *                  S = (255·bsum[j] − T)/2; 2S/255 − bsum[j] (dot.kind 'pixels', symmetric)
   *                                                  or S/255  (not symmetric)
   *    y = f32(γ·(f32(x + bias) − μ)·invStd + β), affine = 5 rows of n: bias, γ, μ, invStd, β.
   *  bsum: Σ_q 2^q·(Σ of plane q's ±1 values) per unit. out: rows × n. */
  scoreRows(t: S['i32'], rows: number, n: number, bsum: S['i32'], dot: ScoreDot, affine: S['f32'], out: S['f32']): void;

  // ---- recurrent nets: embeddings, activations, LSTM and GRU cells (reference/rnn.ts) ----------
  // Gate blocks are [batch, G·hidden] row-major, the G gates side by side in each row: LSTM
  // [i f g o] (G = 4), GRU [r z n] (G = 3).
  /** out[r,:] = table[ids[r],:] for r < n: rows of a [vocabulary, dim] table gathered by id (ids
   *  checked by the op). */
  embeddingGather(table: S['f32'], ids: S['i32'], out: S['f32'], n: number, dim: number): void;
  /** dtable[ids[r],:] += dy[r,:] for r = 0, 1, …, n−1 in that order (a repeated id sums its rows). */
  embeddingScatterAdd(dy: S['f32'], ids: S['i32'], dtable: S['f32'], n: number, dim: number): void;
  /** out = 1/(1 + e^−x), elementwise. */
  sigmoid(x: S['f32'], out: S['f32']): void;
  /** out = tanh(x), elementwise. */
  tanh(x: S['f32'], out: S['f32']): void;
  /** dx = dy·y·(1 − y) from the output y of sigmoid. */
  sigmoidBackward(dy: S['f32'], y: S['f32'], dx: S['f32']): void;
  /** dx = dy·(1 − y²) from the output y of tanh. */
  tanhBackward(dy: S['f32'], y: S['f32'], dx: S['f32']): void;
  /** LSTM gate activations of pre-activations pre [batch, 4·hidden]: σ on i, f, o; tanh on g. */
  lstmGates(pre: S['f32'], out: S['f32'], batch: number, hidden: number): void;
  /** Backward of lstmGates from its output y: dx = dy·y(1−y) on i, f, o and dy·(1−y²) on g. */
  lstmGatesBackward(dy: S['f32'], y: S['f32'], dx: S['f32'], batch: number, hidden: number): void;
  /** LSTM cell state c = f⊙cPrev + i⊙g from activated gates [batch, 4·hidden]; c, cPrev [batch, hidden]. */
  lstmCellState(gates: S['f32'], cPrev: S['f32'], c: S['f32'], batch: number, hidden: number): void;
  /** Backward of lstmCellState: dGates (i, f, g written; o set to 0), dcPrev = dc⊙f. */
  lstmCellStateBackward(dc: S['f32'], gates: S['f32'], cPrev: S['f32'], dGates: S['f32'], dcPrev: S['f32'],
    batch: number, hidden: number): void;
  /** LSTM output h = o⊙tanh(c). */
  lstmHidden(gates: S['f32'], c: S['f32'], h: S['f32'], batch: number, hidden: number): void;
  /** Backward of lstmHidden: dGates (o written, i, f, g set to 0), dc = dh⊙o⊙(1 − tanh²c). */
  lstmHiddenBackward(dh: S['f32'], gates: S['f32'], c: S['f32'], dGates: S['f32'], dc: S['f32'],
    batch: number, hidden: number): void;
  /** GRU gates from the input's and the state's projections xp, hp [batch, 3·hidden] (each with
   *  its bias): r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r⊙hn); out [batch, 3·hidden]. */
  gruGates(xp: S['f32'], hp: S['f32'], out: S['f32'], batch: number, hidden: number): void;
  /** Backward of gruGates from its output: dxp and dhp [batch, 3·hidden] overwritten. */
  gruGatesBackward(dy: S['f32'], gates: S['f32'], hp: S['f32'], dxp: S['f32'], dhp: S['f32'], batch: number, hidden: number): void;
  /** GRU output h = (1 − z)⊙n + z⊙hPrev from gates [batch, 3·hidden] (r unused). */
  gruHidden(gates: S['f32'], hPrev: S['f32'], h: S['f32'], batch: number, hidden: number): void;
  /** Backward of gruHidden: dGates (z, n written, r set to 0), dhPrev = dh⊙z. */
  gruHiddenBackward(dh: S['f32'], gates: S['f32'], hPrev: S['f32'], dGates: S['f32'], dhPrev: S['f32'],
    batch: number, hidden: number): void;
  /** Gradient-norm clipping, first half: sum[0] += Σ x², summed in float64 and rounded once to
   *  float32 when added (call once per gradient, then clipToNorm on each). */
  sumSquares(x: S['f32'], sum: S['f32']): void;
  /** Gradient-norm clipping, second half: x *= maxNorm / sqrt(sum[0]) where that norm exceeds
   *  maxNorm, else x is left as it is. */
  clipToNorm(x: S['f32'], sum: S['f32'], maxNorm: number): void;

  // ---- convolution and pooling over NHWC images (ConvGeometry) ---------------------------------
  /** im2col: out [batch·outH·outW, kh·kw·channels], row (b, oy, ox), column (i, j, c) with c
   *  fastest (the order a conv kernel [out, kh, kw, C] is stored and packed in) holds
   *  x[b, oy·stride + i − padTop, ox·stride + j − padLeft, c], or padValue outside the image
   *  (0 for float inputs; +1 for ±1 inputs, DESIGN.md). */
  im2col(x: S['f32'], g: ConvGeometry, padValue: number, out: S['f32']): void;
  /** The adjoint of im2col: dx [batch, height, width, channels] overwritten with the sum of the
   *  columns' entries that read each element (padding entries are dropped). */
  col2im(cols: S['f32'], g: ConvGeometry, dx: S['f32']): void;
  /** im2col of the signs, packed along each row: out batch·outH·outW rows of ceil(kh·kw·C/32)
   *  words, bit 1 where x < 0; padding is +1 (bit 0) and tail bits are 0, so xnorGemm with the
   *  packed kernel rows gives the ±1 convolution exactly. */
  im2colPackSigns(x: S['f32'], g: ConvGeometry, out: S['u32']): void;
  /** Max over each kh × kw window of each channel: y [batch, outH, outW, channels] and argmax (the
   *  flat index into x of the window's first maximum; positions in the padding are skipped). */
  maxPool2d(x: S['f32'], g: ConvGeometry, y: S['f32'], argmax: S['i32']): void;
  /** Backward of maxPool2d: dx (xSize elements) overwritten with zeros, then dx[argmax[i]] += dy[i]
   *  for each of the `count` outputs. */
  maxPool2dBackward(dy: S['f32'], argmax: S['i32'], count: number, dx: S['f32'], xSize: number): void;

  // ---- sequence training: gradients of row ranges (reference/sequence.ts) ----------------------
  /** dst[dstAt + i] += src[i] for i < n: a step's gradient added into its rows of a sequence's. */
  addAt(src: S['f32'], dst: S['f32'], dstAt: number, n: number): void;

  // ---- conv training: packed layouts for the binary convolution's backward --------------------
  /** Transpose a bit matrix: x `rows` rows of ceil(cols/32) words (bit p&31 of word p>>5 of row
   *  r is entry (r, p)) → out `cols` rows of ceil(rows/32) words, entry (p, r) likewise; out's
   *  tail bits 0 (x's are ignored). The binary conv's weight gradient reads the forward's packed
   *  im2col (rows along k) down its columns (along the batch), as packCols would pack it. */
  transposeBits(x: S['u32'], rows: number, cols: number, out: S['u32']): void;

  // ---- packed convolution (deploy's engine): NHWC activations packed along C ----------------------
  /** im2col of packed ±1 activations: x holds batch·height·width rows of ceil(C/32) words (one
   *  pixel's channels, packed as thresholdPack writes them); out batch·outH·outW rows of
   *  ceil(kh·kw·C/32) words, bit (i·kw + j)·C + c of row (b, oy, ox) = bit c of pixel
   *  (oy·stride + i − padTop, ox·stride + j − padLeft), the same bits as im2colPackSigns of the
   *  unpacked values. Padding is +1 (bit 0), tail bits 0. With a window the size of the image
   *  (1 × 1 output) it is Flatten's NHWC order. Exact. */
  im2colBits(x: S['u32'], g: ConvGeometry, out: S['u32']): void;
  /** im2col of raw bytes (Kernels.im2col's layout): out [batch·outH·outW, kh·kw·C] u8, padValue
   *  (0..255) outside the image. Exact. */
  im2colBytes(x: S['u8'], g: ConvGeometry, padValue: number, out: S['u8']): void;
  /** Max over each kh × kw window of each channel of int32 x [batch, height, width, C] (positions
   *  in the padding skipped): y [batch, outH, outW, C]. Exact. */
  maxPoolInt(x: S['i32'], g: ConvGeometry, y: S['i32']): void;
  /** maxPoolInt then thresholdPack, on the thresholded bits: x holds batch·height·width pixels of
   *  ceil(C/32) words, bit c = (v_c < lim_c) XOR flip_c as thresholdPack writes it (flip: one bit
   *  per channel, tail bits 0); out [batch·outH·outW] pixels of the same words for the window's
   *  max v. As max v < lim exactly when every v < lim, out = AND over the window's pixels in the
   *  image of (x XOR flip), XOR flip; a window with none gives NOT flip. Tail bits 0. Exact: a
   *  negative BN scale's direction is in the flip, so this pools what maxPoolInt pools. */
  poolBits(x: S['u32'], g: ConvGeometry, flip: S['u32'], out: S['u32']): void;
  /** binaryThreshold(im2colBits(x, g), t, out, batch·outH·outW) with cols as im2colBits's output
   *  (batch·outH·outW rows of ceil(kh·kw·C/32) words): a backend may read x's rows in place
   *  instead of writing them there; cols' contents are unspecified afterwards. Exact. */
  convThreshold(x: S['u32'], g: ConvGeometry, t: Prepared<'binaryThreshold'>, cols: S['u32'], out: S['u32']): void;
  /** pixelThreshold(im2colBytes(x, g, padValue), t, out, batch·outH·outW) with bytes as
   *  im2colBytes's output: a backend may gather each window from x instead of writing the rows
   *  there; bytes' contents are unspecified afterwards. Exact. */
  pixelConvThreshold(x: S['u8'], g: ConvGeometry, padValue: number, t: Prepared<'pixelThreshold'>, bytes: S['u8'], out: S['u32']): void;
  /** Centered pixel pairs: x `pixels` pixels of C bytes p → out `pixels` pixels of 2·C bytes,
   *  the C bytes p then the C bytes 255 − p. With weights (w, −w) a product over them is
   *  Σ w·(2p − 255), and a zero byte pair (the padding of im2colBytes with padValue 0) adds 0:
   *  a padded first conv on 'symmetric' pixels (x = (2p − 255)/255, padding x = 0) in integers. Exact. */
  pixelPairs(x: S['u8'], pixels: number, channels: number, out: S['u8']): void;

  // ---- conv training, fused: one call per layer and pass, the column matrix never whole ---------
  /** The sign convolution's input gradient, col2im(dy·sign(w)): dx [batch, height, width, channels]
   *  overwritten as col2im would from the columns dy·S, dy [batch·outH·outW, n], S [n, kh·kw·C] ±1
   *  packed down its columns as packCols packs w [n, kh·kw·C] (kh·kw·C rows of ceil(n/32) words,
   *  bit 1 = −1). A fast backend makes the columns a few rows at a time in scratch: a CNV layer's
   *  column matrix is hundreds of MB that would only be written and read back once. */
  conv2dSignBackwardInput(dy: S['f32'], wCols: S['u32'], n: number, g: ConvGeometry, dx: S['f32']): void;
  /** The binary convolution's forward: colSigns overwritten as im2colPackSigns(x, g) writes it (the
   *  weight gradient reads it again) and y [batch·outH·outW, n] with xnorGemm(colSigns, wRows) as
   *  floats (exact integers), wRows the kernel's n rows packed by packRows. One call: the packed
   *  columns and the integer products need not cross into and out of a fast backend's memory. */
  conv2dBinaryForward(x: S['f32'], wRows: S['u32'], n: number, g: ConvGeometry, colSigns: S['u32'], y: S['f32']): void;
}

/** Where a kh × kw window moves over NHWC input [batch, height, width, channels]: by `stride`,
 *  starting padTop rows above and padLeft columns left of the image, outH × outW positions. */
export interface ConvGeometry {
  readonly batch: number; readonly height: number; readonly width: number; readonly channels: number;
  readonly kh: number; readonly kw: number; readonly stride: number;
  readonly padTop: number; readonly padLeft: number; readonly outH: number; readonly outW: number;
}

/** The layouts behind prepare* handles. */
export type PreparedKind = 'binary' | 'binaryThreshold' | 'pixel' | 'pixelThreshold';
declare const preparedBrand: unique symbol;
/** A backend's own layout of weights (prepare*): opaque, only its backend reads it. */
export interface Prepared<What extends PreparedKind> { readonly [preparedBrand]: What }
/** How scoreRows turns T into the float model's product (Kernels.scoreRows). */
export type ScoreDot = { kind: 'levels'; a: number; c: number } | { kind: 'pixels'; symmetric: boolean };

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** The names of the kernels (everything but storage, execution and identity members). */
export type KernelName = Exclude<keyof Kernels, keyof StorageMembers | 'name' | 'native'>;

/** A CPU backend: its storage is host typed arrays. */
export type HostKernels = Kernels<HostArrays>;
