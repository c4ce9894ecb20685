import { defineOp } from '../autograd/define-op.js';
import { Tensor } from '../tensor/tensor.js';

interface SignAttrs {
  /** Gradient passes where |x| <= clip (QNN-SPEC §2.1); Infinity passes it everywhere. */
  clip: number;
  /** Uniform [0,1) draws for stochastic binarization; null for the deterministic sign. */
  uniforms: Float32Array | null;
}

/** Sign with the straight-through estimator: forward ±1 (sign(0) = +1, or stochastic with
 *  P(+1) = hardSigmoid(x)), backward dy·1{|x| <= clip}. */
const signSteOp = defineOp<SignAttrs>({
  name: 'signSte',
  forward: ({ kernels, attrs }, [x]) => {
    const out = new Float32Array(x!.size);
    if (attrs.uniforms) kernels.stochasticSign(x!.data as Float32Array, attrs.uniforms, out);
    else kernels.sign(x!.data as Float32Array, out);
    return new Tensor(out, x!.shape);
  },
  backward: ({ kernels, attrs }, dy, [x]) => {
    if (attrs.clip === Infinity) return [dy];
    const dx = new Float32Array(dy.size);
    kernels.passInside(dy.data, x!.data as Float32Array, dx, -attrs.clip, attrs.clip);
    return [new Tensor(dx, dy.shape)];
  },
});

/** @example signSte(tensor([-0.3, 0, 2])) // → [-1, 1, 1] */
export const signSte = (x: Tensor, clip = 1, uniforms: Float32Array | null = null): Tensor =>
  signSteOp([x], { clip, uniforms }) as Tensor;
