import type { Kernels } from '../backends/kernels.js';
import { kernels } from '../backends/registry.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

/** What forward leaves for backward: the kernels, the attributes, and anything saved. */
export interface OpContext<A> {
  readonly kernels: Kernels;
  readonly attrs: A;
  saved: Record<string, unknown>;
  /** A zero-filled tensor on this op's backend, for an output or a gradient. */
  empty<D extends DType = 'float32'>(shape: readonly number[], dtype?: D): Tensor<D>;
  /** A tensor the next kernel writes every element of (Tensor.output: not zero-filled where the
   *  backend can skip it); empty for anything a kernel adds into or writes in part. */
  output<D extends DType = 'float32'>(shape: readonly number[], dtype?: D): Tensor<D>;
}

export interface OpSpec<A> {
  name: string;
  /** Compute the output through the kernel contract; never names a backend. */
  forward(ctx: OpContext<A>, inputs: readonly Tensor<DType>[]): Tensor<DType>;
  /** One gradient per input (null where there is none), given dL/dy. Omit for ops without one. */
  backward?(ctx: OpContext<A>, dy: Tensor, inputs: readonly Tensor<DType>[], output: Tensor<DType>): (Tensor | null)[];
}

/** Make a differentiable op: forward runs now; when an input needs a gradient and grad mode is
 *  on, the output carries a node whose backward calls spec.backward with the saved context. */
export function defineOp<A = undefined>(spec: OpSpec<A>): (inputs: readonly Tensor<DType>[], attrs: A) => Tensor<DType> {
  return (inputs, attrs) => {
    const k = kernels();
    const ctx: OpContext<A> = { kernels: k, attrs, saved: {}, empty: (shape, dtype) => Tensor.empty(shape, dtype ?? 'float32' as never, k),
      output: (shape, dtype) => Tensor.output(shape, dtype ?? 'float32' as never, k) };
    const output = spec.forward(ctx, inputs);
    if (spec.backward && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
      const backward = spec.backward;
      output.requiresGrad = true;
      output.node = { name: spec.name, inputs, backward: (dy) => backward(ctx, dy, inputs, output) };
    }
    return output;
  };
}
