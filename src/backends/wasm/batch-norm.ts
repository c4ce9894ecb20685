import type { HostKernels as Kernels } from '../kernels.js';
import { f32Bits, f64Words } from './job-args.js';
import { ELEMENT_ALIGN } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

// Batch norm (assembly/batch-norm.ts): row-major passes with float64 per-channel sums, equal to
// the reference bit for bit; the hardtanh backward masks the gradient in its passes. Training's
// kernels split the channels across threads, in runs of CHANNEL_ALIGN (each channel's sums stay
// on one thread, so the split changes no bit); eval is one thread.

/** Channel runs of 128 bytes of each f32 row (and 256 of the f64 sums): a thread's share of a
 *  row is whole 128-byte line pairs, which x86's adjacent-line prefetch fetches together. With
 *  64-byte runs, CNV's 64-channel layers took 12-20 % more CPU time at 2 threads (likely each
 *  thread pulling in the other's lines). */
const CHANNEL_ALIGN = 32;


export function makeBatchNormTrain(rt: WasmRuntime): Kernels['batchNormTrain'] {
  return (x, rows, ch, gamma, beta, eps, y, xhat, mean, invStd) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.input(x, rows * ch), pg = arena.input(gamma, ch), pb = arena.input(beta, ch);
    const py = arena.output(y, rows * ch), ph = arena.output(xhat, rows * ch);
    const pm = arena.output(mean, ch), pi = arena.output(invStd, ch), scratch = arena.alloc(ch * 16);
    rt.pool.parallel('batchNormTrain', [px, rows, ch, pg, pb, ...f64Words(eps), py, ph, pm, pi, scratch], ch, CHANNEL_ALIGN, rt.pool.threadsFor(rows * ch));
    arena.copyOut(py, y, rows * ch); arena.copyOut(ph, xhat, rows * ch);
    arena.copyOut(pm, mean, ch); arena.copyOut(pi, invStd, ch);
  };
}

/** The two jobs batchNormTrain and clamp, in turn on y in wasm memory: y is not copied back in
 *  for the clamp. (Clamping inside batchNormTrain's last pass, two channels at a time, cost more
 *  than the clamp's own four-lane pass.) */
export function makeBatchNormTrainHardtanh(rt: WasmRuntime): Kernels['batchNormTrainHardtanh'] {
  return (x, rows, ch, gamma, beta, eps, y, out, xhat, mean, invStd) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.input(x, rows * ch), pg = arena.input(gamma, ch), pb = arena.input(beta, ch);
    const py = arena.output(y, rows * ch), po = arena.output(out, rows * ch), ph = arena.output(xhat, rows * ch);
    const pm = arena.output(mean, ch), pi = arena.output(invStd, ch), scratch = arena.alloc(ch * 16);
    rt.pool.parallel('batchNormTrain', [px, rows, ch, pg, pb, ...f64Words(eps), py, ph, pm, pi, scratch], ch, CHANNEL_ALIGN, rt.pool.threadsFor(rows * ch));
    rt.pool.parallel('clamp', [py, po, f32Bits(-1), f32Bits(1)], rows * ch, ELEMENT_ALIGN, rt.pool.threadsFor(rows * ch));
    arena.copyOut(py, y, rows * ch); arena.copyOut(po, out, rows * ch); arena.copyOut(ph, xhat, rows * ch);
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
    rt.pool.parallel('batchNormBackward', [pdy, ph, rows, ch, pg, pi, pdx, pdg, pdb, scratch], ch, CHANNEL_ALIGN, rt.pool.threadsFor(rows * ch));
    arena.copyOut(pdx, dx, rows * ch); arena.copyOut(pdg, dgamma, ch); arena.copyOut(pdb, dbeta, ch);
  };
}

export function makeBatchNormHardtanhBackward(rt: WasmRuntime): Kernels['batchNormHardtanhBackward'] {
  return (dout, y, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta) => {
    if (ch === 0) return;
    const { arena } = rt;
    arena.reset();
    const pdo = arena.input(dout, rows * ch), py = arena.input(y, rows * ch), ph = arena.input(xhat, rows * ch);
    const pg = arena.input(gamma, ch), pi = arena.input(invStd, ch);
    const pdx = arena.output(dx, rows * ch), pdg = arena.output(dgamma, ch), pdb = arena.output(dbeta, ch);
    const scratch = arena.alloc(ch * 16);
    rt.pool.parallel('batchNormHardtanhBackward', [pdo, py, ph, rows, ch, pg, pi, pdx, pdg, pdb, scratch], ch, CHANNEL_ALIGN, rt.pool.threadsFor(rows * ch));
    arena.copyOut(pdx, dx, rows * ch); arena.copyOut(pdg, dgamma, ch); arena.copyOut(pdb, dbeta, ch);
  };
}
