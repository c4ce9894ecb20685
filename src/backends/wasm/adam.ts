import type { Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Adam step (assembly/adam.ts), in place: float64 in the reference's order, equal bit for bit.
 *  Resident param, m, v (Parameter data, optimizer slots) are updated where they are, uncopied. */
export function makeAdamStep(rt: WasmRuntime): Kernels['adamStep'] {
  return (param, grad, m, v, lr, beta1, beta2, eps, t, clip) => {
    const length = param.length;
    if (length === 0) return;
    const step = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t); // as the reference computes it
    const { arena } = rt;
    arena.reset();
    const pp = arena.input(param, length), pg = arena.input(grad, length);
    const pm = arena.input(m, length), pv = arena.input(v, length);
    rt.exports['adamStep']!(pp, pg, pm, pv, length, step, beta1, beta2, eps, clip);
    arena.copyOut(pp, param, length); arena.copyOut(pm, m, length); arena.copyOut(pv, v, length);
  };
}
