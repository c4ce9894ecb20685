import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { shapeMismatch } from '../errors/shape-error.js';
import { Tensor, f32 } from '../tensor/tensor.js';

interface BinaryMatmulAttrs {
  /** a is read by its sign (both operands ±1: XNOR-popcount); else a is a float operand. */
  signA: boolean;
  /** When set, b is a latent float tensor binarized here by its sign, and its gradient gets the
   *  STE mask |b| <= steClipB (QNN-SPEC §2.1). Fusing the weight's sign into the product saves
   *  writing and reading a ±1 copy of every weight each step. */
  steClipB: number | null;
}

/** y = a·bᵀ for a [m,k] and b [n,k] read by their signs (x >= 0 → +1, else -1): forward packs
 *  both along k and runs the XNOR-popcount GEMM, so the result is exact integers. Backward:
 *  da = dy·sign(b) and db = dyᵀ·sign(a), products with one ±1 operand (no multiplies needed).
 *  The gradient wrt a is the plain straight-through one: a is expected to be ±1 already.
 *  Without signA, a is a float operand (a first layer's input): forward is a·sign(b)ᵀ through
 *  gemmSignB and db = dyᵀ·a a float GEMM. */
const binaryMatmulOp = defineOp<BinaryMatmulAttrs>({
  name: 'binaryMatmulT',
  forward: ({ kernels, attrs, empty }, [a, b]) => {
    if (a!.rank !== 2 || b!.rank !== 2) throw new LowbitError(`binaryMatmulT: needs 2-d tensors, got [${a!.shape}] and [${b!.shape}]`);
    const [m, k] = a!.shape as [number, number];
    const [n, kb] = b!.shape as [number, number];
    if (k !== kb) throw shapeMismatch('binaryMatmulT', a!.shape, b!.shape, `dim 1 (${k} vs ${kb})`);
    const pb = empty([n, k], 'bits'), y = empty([m, n]);
    kernels.packRows(f32(b!), pb.storage, n, k);
    if (!attrs.signA) { // y[m,n] = a[m,k]·S[k,n], S = sign(b)ᵀ: b's rows packed along k are S's columns
      kernels.gemmSignB(f32(a!), pb.storage, y.storage, m, n, k, false);
      return y;
    }
    const pa = empty([m, k], 'bits'), c = empty([m, n], 'int32');
    kernels.packRows(f32(a!), pa.storage, m, k);
    kernels.xnorGemm(pa.storage, pb.storage, c.storage, m, n, k);
    kernels.intToFloat(c.storage, y.storage);
    return y;
  },
  backward: ({ kernels, attrs, empty }, dy, [a, b]) => {
    const [m, k] = a!.shape as [number, number];
    const n = b!.shape[0]!;
    let da: Tensor | null = null, db: Tensor | null = null;
    if (a!.requiresGrad) {
      // da[m,k] = dy[m,n]·B[n,k]: B packed down its columns (along n)
      const bCols = empty([k, n], 'bits');
      kernels.packCols(f32(b!), bCols.storage, n, k);
      da = empty([m, k]);
      kernels.gemmSignB(dy.storage, bCols.storage, da.storage, m, k, n, false);
    }
    if (b!.requiresGrad) {
      // the weight gradient, as large as the weights: persistent storage (in wasm's own memory,
      // so the STE mask and the optimizer use it uncopied; Optimizer.step gives it back)
      db = new Tensor(kernels.alloc('f32', n * k, true), [n, k], 'float32', kernels);
      if (attrs.signA) { // db[n,k] = dyᵀ[n,m]·A[m,k]: A packed along m, dy read transposed where it is
        const aCols = empty([k, m], 'bits');
        kernels.packCols(f32(a!), aCols.storage, m, k);
        kernels.gemmSignB(dy.storage, aCols.storage, db.storage, n, k, m, false, true);
      } else {
        kernels.gemm(dy.storage, f32(a!), db.storage, n, k, m, true, false, false);
      }
      if (attrs.steClipB !== null && attrs.steClipB !== Infinity) {
        kernels.passInside(db.storage, f32(b!), db.storage, -attrs.steClipB, attrs.steClipB);
      }
    }
    return [da, db];
  },
});

/** a·bᵀ for ±1 tensors through XNOR-popcount. @example binaryMatmulT(sign(x), sign(w)) */
export const binaryMatmulT = (a: Tensor, b: Tensor): Tensor => binaryMatmulOp([a, b], { signA: true, steClipB: null }) as Tensor;

/** a·sign(w)ᵀ with w latent: the sign and its straight-through gradient (cancelled where
 *  |w| > clip) are fused into the XNOR-popcount product. a must be ±1.
 *  @example binaryMatmulSteT(signSte(x), weight, 1) */
export const binaryMatmulSteT = (a: Tensor, w: Tensor, clip: number): Tensor => binaryMatmulOp([a, w], { signA: true, steClipB: clip }) as Tensor;

/** x·sign(w)ᵀ for a float x (a first layer's input) and latent w, with w's straight-through
 *  gradient cancelled where |w| > clip: the ±1 weights are never written out as floats, and the
 *  product runs through gemmSignB. @example signWeightMatmulSteT(pixels, weight, 1) */
export const signWeightMatmulSteT = (x: Tensor, w: Tensor, clip: number): Tensor => binaryMatmulOp([x, w], { signA: false, steClipB: clip }) as Tensor;
