import { CLAIM, PIECE_BITS } from './jobs.js';

type Job = (...args: number[]) => unknown;

/** Claim pieces of job `epoch` from the control block's CLAIM word and run each, until none is
 *  left (or CLAIM has moved on to a later job): piece i is [i·per, min(total, (i + 1)·per)),
 *  passed after the job's `nargs` arguments with the thread's index. The main thread and the
 *  workers all run this, so whoever is on a core does the work; every piece is run once, with
 *  the same bounds whoever runs it, so results do not depend on who did. */
export function runPieces(control: Int32Array, fn: Job, args: number[], nargs: number, epoch: number,
  pieces: number, per: number, total: number, thread: number): void {
  const mask = (1 << PIECE_BITS) - 1;
  for (;;) {
    const claim = Atomics.load(control, CLAIM), piece = claim & mask;
    if (claim >>> PIECE_BITS !== epoch || piece >= pieces) return;
    if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) !== claim) continue;
    args[nargs] = piece * per;
    args[nargs + 1] = Math.min(total, (piece + 1) * per);
    args[nargs + 2] = thread;
    fn(...args);
  }
}
