import { defineOp } from '../autograd/define-op.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Kernels, Storage } from '../backends/kernels.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor, f32 } from '../tensor/tensor.js';
import { binaryMatmulT } from './binary-matmul.js';

interface LogGradAttrs { bits: number }

/** y = a·bᵀ for ±1 a [m,k] and b [n,k], as binaryMatmulT, with quantized gradients (QNN-SPEC §3.5):
 *  backward first log-quantizes dy (the pre-activation gradient g_s, one scale for the whole
 *  layer and batch, the gradQuantLog kernel), then computes both products bit-serially, since
 *  every operand is now low-bit: G is sign × 2^e with e in a (bits-1)-bit code range, a and b ±1:
 *    da = G·b   [m,k], reduction over n: G's rows packed along n, b packed down its columns
 *    db = Gᵀ·a  [n,k], reduction over m: Gᵀ's rows packed along m, a packed down its columns
 *  The results equal the float products of the quantized gradient exactly (kernels.ts). */
const binaryMatmulLogGradOp = defineOp<LogGradAttrs>({
  name: 'binaryMatmulTLogGrad',
  forward: (_ctx, [a, b]) => noGrad(() => binaryMatmulT(a as Tensor, b as Tensor)),
  backward: ({ kernels, attrs, empty }, dy, [a, b]) => {
    const [m, k] = a!.shape as [number, number];
    const n = b!.shape[0]!, planes = 2 ** (attrs.bits - 1) - 1;
    const g = empty(dy.shape), scale = empty([2], 'int32');
    kernels.gradQuantLog(dy.storage, attrs.bits, g.storage, scale.storage);
    const product = (gRows: Tensor, rows: number, depth: number, s: Tensor): Tensor => {
      const out = empty([rows, k]);
      bitSerialProduct(kernels, gRows.storage, scale.storage, planes, rows, depth, f32(s), k, out.storage);
      return out;
    };
    const da = a!.requiresGrad ? product(g, m, n, b as Tensor) : null;
    let db: Tensor | null = null;
    if (b!.requiresGrad) {
      const gT = empty([n, m]);
      kernels.transpose(g.storage, m, n, gT.storage);
      db = product(gT, n, m, a as Tensor);
    }
    return [da, db];
  },
});

/** out [rows,k] = G [rows,depth] · S [depth,k] with S ±1 (read by sign), G log-quantized. */
function bitSerialProduct(kernels: Kernels, g: Storage<'f32'>, scale: Storage<'i32'>, planes: number, rows: number, depth: number,
  s: Storage<'f32'>, k: number, out: Storage<'f32'>): void {
  const words = Math.ceil(depth / 32);
  const sign = kernels.alloc('u32', rows * words), planeBits = kernels.alloc('u32', rows * planes * words), sCols = kernels.alloc('u32', k * words);
  kernels.packLogPlanes(g, rows, depth, scale, planes, sign, planeBits);
  kernels.packCols(s, sCols, depth, k);
  kernels.bitSerialLogGemm(sign, planeBits, planes, scale, sCols, out, rows, k, depth);
}

/** a·bᵀ for ±1 tensors through XNOR-popcount, with a `bits`-bit logarithmic gradient computed
 *  by bit-serial kernels. @example binaryMatmulTLogGrad(sign(x), sign(w), 6) */
export function binaryMatmulTLogGrad(a: Tensor, b: Tensor, bits = 6): Tensor {
  checkGradientBits(bits);
  return binaryMatmulLogGradOp([a, b], { bits }) as Tensor;
}

/** Gradient bits the log quantizer takes: 2..8 (1 sign bit and 1..7 bits of exponent code). */
export function checkGradientBits(bits: number): void {
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 8)) throw new LowbitError(`gradQuantLog: bits must be an integer in 2..8, got ${bits}`);
}
