import { ARGS, BUSY, DONE, EPOCH, FAILED, JOB, JOBS, JOB_ARGS, NARGS, PER, PIECES, READY, SEQ, SLOT_INTS, STOP_JOB, TOTAL } from './jobs.js';
import { runPieces } from './pieces.js';

type Job = (...args: number[]) => void;

/** Polls of the job word before a worker sleeps: some tens of microseconds. */
const SPIN = 1 << 16;

/** The body of every worker thread, whatever the platform: instantiate the module on the shared
 *  memory, then run posted jobs until told to stop. Blocking in Atomics.wait is what lets the
 *  main thread wake us in microseconds instead of a message round trip through the event loop.
 *  A job's pieces are claimed (pieces.ts): a worker that wakes late finds them done and leaves. */
export async function workerLoop(module: WebAssembly.Module, memory: WebAssembly.Memory,
  controlOffset: number, slot: number): Promise<void> {
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort: trap } });
  const exports = instance.exports as unknown as Record<string, Job>;
  const jobs = JOBS.map((name) => exports[name]!);
  // the control block sits below the arena, so this view stays valid when the memory grows
  const control = new Int32Array(memory.buffer, controlOffset);
  const base = slot * SLOT_INTS;
  const args = new Array<number>(JOB_ARGS).fill(0);
  let seen = Atomics.load(control, base + SEQ);
  Atomics.store(control, base + READY, 1);
  for (;;) {
    // spin before sleeping: the layers of a batch-1 forward post jobs microseconds apart, and a
    // futex wake-up costs tens of them
    let seq = Atomics.load(control, base + SEQ);
    for (let spin = 0; seq === seen && spin < SPIN; spin++) seq = Atomics.load(control, base + SEQ);
    if (seq === seen) { Atomics.wait(control, base + SEQ, seen); continue; }
    seen = seq;
    const id = control[base + JOB]!;
    if (id === STOP_JOB) break;
    const nargs = control[base + NARGS]!;
    for (let i = 0; i < nargs; i++) args[i] = control[base + ARGS + i]!;
    // BUSY before the first claim: the main thread, once every piece is claimed, waits for BUSY
    // 0, and a worker that sets it later finds nothing left to claim
    Atomics.store(control, base + BUSY, 1);
    try {
      runPieces(control, jobs[id]!, args, nargs, control[base + EPOCH]!, control[base + PIECES]!, control[base + PER]!,
        control[base + TOTAL]!, slot);
    } catch {
      control[base + FAILED] = 1;
    }
    Atomics.store(control, base + BUSY, 0);
    Atomics.notify(control, base + BUSY);
    Atomics.store(control, base + DONE, seq);
    Atomics.notify(control, base + DONE);
  }
}

function trap(): never { throw new Error('wasm abort'); }
