import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

// Batch norm (assembly/batch-norm.ts): row-major passes with float64 per-channel sums, equal to
// the reference bit for bit. One thread.

export function makeBatchNormTrain(rt: WasmRuntime): Kernels['batchNormTrain'] {
  return (x, rows, ch, gamma, beta, eps, y, xhat, mean, invStd) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.input(x, rows * ch), pg = arena.input(gamma, ch), pb = arena.input(beta, ch);
    const py = arena.output(y, rows * ch), ph = arena.output(xhat, rows * ch);
    const pm = arena.output(mean, ch), pi = arena.output(invStd, ch), scratch = arena.alloc(ch * 16);
    rt.exports['batchNormTrain']!(px, rows, ch, pg, pb, eps, py, ph, pm, pi, scratch);
    arena.copyOut(py, y, rows * ch); arena.copyOut(ph, xhat, rows * ch);
    arena.copyOut(pm, mean, ch); arena.copyOut(pi, invStd, ch);
  };
}

export function makeBatchNormEval(rt: WasmRuntime): Kernels['batchNormEval'] {
  return (x, rows, ch, gamma, beta, mean, invStd, y) => {
    if (rows * ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.input(x, rows * ch), pg = arena.input(gamma, ch), pb = arena.input(beta, ch);
    const pm = arena.input(mean, ch), pi = arena.input(invStd, ch), py = arena.output(y, rows * ch);
    rt.exports['batchNormEval']!(px, rows, ch, pg, pb, pm, pi, py);
    arena.copyOut(py, y, rows * ch);
  };
}

export function makeBatchNormBackward(rt: WasmRuntime): Kernels['batchNormBackward'] {
  return (dy, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const pdy = arena.input(dy, rows * ch), ph = arena.input(xhat, rows * ch);
    const pg = arena.input(gamma, ch), pi = arena.input(invStd, ch);
    const pdx = arena.output(dx, rows * ch), pdg = arena.output(dgamma, ch), pdb = arena.output(dbeta, ch);
    const scratch = arena.alloc(ch * 16);
    rt.exports['batchNormBackward']!(pdy, ph, rows, ch, pg, pi, pdx, pdg, pdb, scratch);
    arena.copyOut(pdx, dx, rows * ch); arena.copyOut(pdg, dgamma, ch); arena.copyOut(pdb, dbeta, ch);
  };
}
