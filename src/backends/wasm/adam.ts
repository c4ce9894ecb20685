import type { Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Adam step (assembly/adam.ts), in place: float64 in the reference's order, equal bit for bit. */
export function makeAdamStep(rt: WasmRuntime): Kernels['adamStep'] {
  return (param, grad, m, v, lr, beta1, beta2, eps, t, clip) => {
    const length = param.length;
    if (length === 0) return;
    const step = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t); // as the reference computes it
    const { arena } = rt;
    arena.reset();
    const pp = arena.putF32(param, length), pg = arena.putF32(grad, length);
    const pm = arena.putF32(m, length), pv = arena.putF32(v, length);
    rt.exports['adamStep']!(pp, pg, pm, pv, length, step, beta1, beta2, eps, clip);
    arena.getF32(pp, param, length); arena.getF32(pm, m, length); arena.getF32(pv, v, length);
  };
}
