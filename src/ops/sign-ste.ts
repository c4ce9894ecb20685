import { defineOp } from '../autograd/define-op.js';
import { f32, type Tensor } from '../tensor/tensor.js';

interface SignAttrs {
  /** Gradient passes where |x| <= clip (QNN-SPEC §2.1); Infinity passes it everywhere. */
  clip: number;
  /** Uniform [0,1) draws for stochastic binarization; null for the deterministic sign. */
  uniforms: Float32Array | null;
}

/** Ops whose output is a hardtanh's. */
const CLAMPED = new Set(['hardtanh', 'batchNormHardtanh']);

/** Sign with the straight-through estimator: forward ±1 (sign(0) = +1, or stochastic with
 *  P(+1) = hardSigmoid(x)), backward dy·1{|x| <= clip}. */
const signSteOp = defineOp<SignAttrs>({
  name: 'signSte',
  forward: ({ kernels, attrs, output }, [x]) => {
    const out = output(x!.shape);
    if (attrs.uniforms) kernels.stochasticSign(f32(x!), kernels.fromArray(attrs.uniforms), out.storage);
    else kernels.sign(f32(x!), out.storage);
    return out;
  },
  backward: ({ kernels, attrs, output }, dy, [x]) => {
    // a hardtanh's output lies in [-1, 1] (NaN only where its input was NaN, whose gradient the
    // hardtanh cancels itself), so with clip >= 1 the mask passes everything: skip the pass
    if (attrs.clip === Infinity || (attrs.clip >= 1 && CLAMPED.has(x!.node?.name ?? ''))) return [dy];
    const dx = output(dy.shape);
    kernels.passInside(dy.storage, f32(x!), dx.storage, -attrs.clip, attrs.clip);
    return [dx];
  },
});

/** @example signSte(tensor([-0.3, 0, 2])) // → [-1, 1, 1] */
export const signSte = (x: Tensor, clip = 1, uniforms: Float32Array | null = null): Tensor =>
  signSteOp([x], { clip, uniforms }) as Tensor;
