import type { Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

// Batch norm (assembly/batch-norm.ts): row-major passes with float64 per-channel sums, equal to
// the reference bit for bit. One thread.

export function makeBatchNormTrain(rt: WasmRuntime): Kernels['batchNormTrain'] {
  return (x, rows, ch, gamma, beta, eps, y, xhat, mean, invStd) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.putF32(x, rows * ch), pg = arena.putF32(gamma, ch), pb = arena.putF32(beta, ch);
    const py = arena.alloc(rows * ch * 4), ph = arena.alloc(rows * ch * 4);
    const pm = arena.alloc(ch * 4), pi = arena.alloc(ch * 4), scratch = arena.alloc(ch * 16);
    rt.exports['batchNormTrain']!(px, rows, ch, pg, pb, eps, py, ph, pm, pi, scratch);
    arena.getF32(py, y, rows * ch); arena.getF32(ph, xhat, rows * ch);
    arena.getF32(pm, mean, ch); arena.getF32(pi, invStd, ch);
  };
}

export function makeBatchNormEval(rt: WasmRuntime): Kernels['batchNormEval'] {
  return (x, rows, ch, gamma, beta, mean, invStd, y) => {
    if (rows * ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.putF32(x, rows * ch), pg = arena.putF32(gamma, ch), pb = arena.putF32(beta, ch);
    const pm = arena.putF32(mean, ch), pi = arena.putF32(invStd, ch), py = arena.alloc(rows * ch * 4);
    rt.exports['batchNormEval']!(px, rows, ch, pg, pb, pm, pi, py);
    arena.getF32(py, y, rows * ch);
  };
}

export function makeBatchNormBackward(rt: WasmRuntime): Kernels['batchNormBackward'] {
  return (dy, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const pdy = arena.putF32(dy, rows * ch), ph = arena.putF32(xhat, rows * ch);
    const pg = arena.putF32(gamma, ch), pi = arena.putF32(invStd, ch);
    const pdx = arena.alloc(rows * ch * 4), pdg = arena.alloc(ch * 4), pdb = arena.alloc(ch * 4);
    const scratch = arena.alloc(ch * 16);
    rt.exports['batchNormBackward']!(pdy, ph, rows, ch, pg, pi, pdx, pdg, pdb, scratch);
    arena.getF32(pdx, dx, rows * ch); arena.getF32(pdg, dgamma, ch); arena.getF32(pdb, dbeta, ch);
  };
}
