import { defineOp } from '../autograd/define-op.js';
import { gradQuantLog } from '../quant/grad-quant-log.js';
import { Tensor } from '../tensor/tensor.js';

interface QuantizeGradientAttrs { bits: number }

/** Identity forward; backward log-quantizes the gradient with one scale per tensor (gradQuantLog,
 *  QNN-SPEC §3.5). QuantDense puts it after a product that is not binary (the real-valued first
 *  layer, k-bit activations), so every layer sees the same quantized g_s; binary layers use
 *  binaryMatmulTLogGrad instead, which also runs the products bit-serially. */
const quantizeGradientOp = defineOp<QuantizeGradientAttrs>({
  name: 'quantizeGradient',
  forward: (_ctx, [x]) => new Tensor(x!.data as Float32Array, x!.shape),
  backward: ({ attrs }, dy) => [new Tensor(gradQuantLog(dy.data, attrs.bits).values, dy.shape)],
});

/** @example quantizeGradient(matmulT(x, w), 6) */
export const quantizeGradient = (x: Tensor, bits = 6): Tensor => quantizeGradientOp([x], { bits }) as Tensor;
