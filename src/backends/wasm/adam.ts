import type { HostKernels as Kernels } from '../kernels.js';
import { ELEMENT_ALIGN, MIN_PARALLEL_ELEMENTS } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Adam step (assembly/adam.ts), in place: float32 in the reference's order, equal bit for bit.
 *  Resident param, m, v (Parameter data, optimizer slots) are updated where they are, uncopied.
 *  Split across threads in contiguous chunks: each element is computed alone, so the result does
 *  not depend on the thread count. */
export function makeAdamStep(rt: WasmRuntime): Kernels['adamStep'] {
  return (param, grad, m, v, lr, beta1, beta2, eps, t, clip) => {
    const length = param.length;
    if (length === 0) return;
    const step = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t); // as the reference computes it
    const { arena, pool } = rt;
    arena.reset();
    const pp = arena.input(param, length), pg = arena.input(grad, length);
    const pm = arena.input(m, length), pv = arena.input(v, length);
    // the hyper-parameters go through memory (a job's arguments are i32), rounded as the reference rounds them
    const hyper = arena.alloc(7 * 4);
    arena.f32.set([step, beta1, beta2, 1 - beta1, 1 - beta2, eps, clip], hyper >>> 2);
    const maxThreads = length < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads;
    pool.parallel('adamStep', [pp, pg, pm, pv, hyper], length, ELEMENT_ALIGN, maxThreads);
    arena.copyOut(pp, param, length); arena.copyOut(pm, m, length); arena.copyOut(pv, v, length);
  };
}
