import { defineOp } from '../autograd/define-op.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Kernels } from '../backends/kernels.js';
import { bitSerialLogGemm as referenceBitSerialLogGemm } from '../backends/reference/bit-serial-log-gemm.js';
import { packLogPlanes as referencePackLogPlanes } from '../backends/reference/pack-log-planes.js';
import { gradQuantLog, type LogQuantizedGradient } from '../quant/grad-quant-log.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryMatmulT } from './binary-matmul.js';

interface LogGradAttrs { bits: number }

/** y = a·bᵀ for ±1 a [m,k] and b [n,k], as binaryMatmulT, with quantized gradients (QNN-SPEC §3.5):
 *  backward first log-quantizes dy (the pre-activation gradient g_s, one scale for the whole
 *  layer and batch, gradQuantLog), then computes both products bit-serially, since every operand
 *  is now low-bit: G is sign × 2^e with e in a (bits-1)-bit code range, a and b are ±1:
 *    da = G·b   [m,k], reduction over n: G's rows packed along n, b packed down its columns
 *    db = Gᵀ·a  [n,k], reduction over m: Gᵀ's rows packed along m, a packed down its columns
 *  The results equal the float products of the quantized gradient exactly (kernels.ts). */
const binaryMatmulLogGradOp = defineOp<LogGradAttrs>({
  name: 'binaryMatmulTLogGrad',
  forward: (_ctx, [a, b]) => noGrad(() => binaryMatmulT(a as Tensor, b as Tensor)),
  backward: ({ kernels, attrs }, dy, [a, b]) => {
    const [m, k] = a!.shape as [number, number];
    const n = b!.shape[0]!;
    const q = gradQuantLog(dy.data, attrs.bits);
    const da = a!.requiresGrad ? new Tensor(bitSerialProduct(kernels, q, q.values, m, n, b!.data as Float32Array, k), [m, k]) : null;
    let db: Tensor | null = null;
    if (b!.requiresGrad) {
      const gT = new Float32Array(n * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) gT[j * m + i] = q.values[i * n + j]!;
      db = new Tensor(bitSerialProduct(kernels, q, gT, n, m, a!.data as Float32Array, k), [n, k]);
    }
    return [da, db];
  },
});

/** out [rows,k] = G [rows,depth] · S [depth,k] with S ±1 (read by sign), G log-quantized. */
function bitSerialProduct(kernels: Kernels, q: LogQuantizedGradient, g: Float32Array, rows: number, depth: number,
  s: Float32Array, k: number): Float32Array {
  // backends that do not have these kernels yet use the reference ones (kernels.ts)
  const pack = kernels.packLogPlanes ?? referencePackLogPlanes, gemm = kernels.bitSerialLogGemm ?? referenceBitSerialLogGemm;
  const words = Math.ceil(depth / 32);
  const sign = new Uint32Array(rows * words), planes = new Uint32Array(rows * q.planes * words), sCols = new Uint32Array(k * words);
  pack(g, rows, depth, q.eMin, q.planes, sign, planes);
  kernels.packCols(s, sCols, depth, k);
  const out = new Float32Array(rows * k);
  gemm(sign, planes, q.planes, q.eMin, sCols, out, rows, k, depth);
  return out;
}

/** a·bᵀ for ±1 tensors through XNOR-popcount, with a `bits`-bit logarithmic gradient computed
 *  by bit-serial kernels. @example binaryMatmulTLogGrad(sign(x), sign(w), 6) */
export const binaryMatmulTLogGrad = (a: Tensor, b: Tensor, bits = 6): Tensor =>
  binaryMatmulLogGradOp([a, b], { bits }) as Tensor;
