import { defineOp } from '../autograd/define-op.js';
import { Tensor, f32 } from '../tensor/tensor.js';
import { checkGradientBits } from './binary-matmul-log-grad.js';

interface QuantizeGradientAttrs { bits: number }

/** Identity forward; backward log-quantizes the gradient with one scale per tensor (the
 *  gradQuantLog kernel, QNN-SPEC §3.5). QuantDense puts it after a product that is not binary (the
 *  real-valued first layer, k-bit activations), so every layer sees the same quantized g_s; binary
 *  layers use binaryMatmulTLogGrad instead, which also runs the products bit-serially. */
const quantizeGradientOp = defineOp<QuantizeGradientAttrs>({
  name: 'quantizeGradient',
  forward: ({ kernels }, [x]) => new Tensor(f32(x!), x!.shape, 'float32', kernels),
  backward: ({ kernels, attrs, empty }, dy) => {
    const g = empty(dy.shape);
    kernels.gradQuantLog(dy.storage, attrs.bits, g.storage, empty([2], 'int32').storage);
    return [g];
  },
});

/** @example quantizeGradient(matmulT(x, w), 6) */
export function quantizeGradient(x: Tensor, bits = 6): Tensor {
  checkGradientBits(bits);
  return quantizeGradientOp([x], { bits }) as Tensor;
}
