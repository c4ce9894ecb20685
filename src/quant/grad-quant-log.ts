import { referenceKernels } from '../backends/reference/index.js';
import { checkGradientBits } from '../ops/binary-matmul-log-grad.js';

/** A log-quantized gradient: every value is 0 or ±2^e with eMin <= e <= eMax. */
export interface LogQuantizedGradient {
  values: Float32Array;
  eMin: number;
  eMax: number;
  /** eMax - eMin + 1: the exponent codes in use (31 for 6 bits), the planes of the bit-serial kernels. */
  planes: number;
}

/** The names `QuantDense({ gradientQuantizer })` and `--grad-bits` accept. */
export type GradientQuantizerName = 'log6';

/** GradQuantLog (QNN-SPEC §3.5 [IMPL], §7.4) of host values: logarithmic quantization of one
 *  layer's gradient with one scale per layer per batch, deterministic (no noise), so with 6 bits
 *  1 sign bit + 5 bits of code = 31 magnitudes 2^eMax … 2^(eMax-30) and 0. Training runs the same
 *  rule as a kernel on the gradient's own backend (Kernels.gradQuantLog); this is that kernel's
 *  reference on a plain array, for inspecting what it does. An all-zero gradient stays 0.
 *  @example gradQuantLog(Float32Array.from([0.3, -0.05, 1e-12])).values // → [0.25, -0.0625, 0] */
export function gradQuantLog(g: Float32Array, bits = 6): LogQuantizedGradient {
  checkGradientBits(bits);
  const values = new Float32Array(g.length), scale = new Int32Array(2);
  referenceKernels.gradQuantLog(g, bits, values, scale);
  return { values, eMin: scale[0]!, eMax: scale[1]!, planes: 2 ** (bits - 1) - 1 };
}
