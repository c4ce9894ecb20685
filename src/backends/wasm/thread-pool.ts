import { LowbitError } from '../../errors/lowbit-error.js';
import { ARGS, BUSY, CLAIM, DONE, EPOCH, EPOCH_MASK, FAILED, JOB, JOBS, JOB_ARGS, MAX_THREADS, MIN_PARALLEL_ELEMENTS, NARGS, PER, PIECE_BITS, PIECES, READY, SEQ, SLOT_INTS, STOP_JOB, TOTAL } from './jobs.js';
import type { JobName } from './jobs.js';
import { runPieces } from './pieces.js';
import type { Platform, WorkerHandle } from './platform.js';

/** Rows a thread must get for parallelRowsOrColumns to split a product by row. */
const ROWS_PER_THREAD_TO_SPLIT = 4;

type Job = (...args: number[]) => unknown;

/** Pieces per thread a job is cut into: a thread that is not on a core (a busy machine, another
 *  program's spinning threads) leaves its pieces to the others; more pieces balance finer but
 *  repeat a piece's set-up (a row's table or list) more often. */
const PIECES_PER_THREAD = 2;

/** Spins before sleeping: back-to-back kernels (a training step) re-post within microseconds,
 *  and a futex wake costs tens of them. */
const SPIN = 4000;
/** A worker instantiates the module in milliseconds; this long means it failed to start. */
const START_TIMEOUT_MS = 10_000;

/** Worker threads over the shared wasm memory, and the main thread as thread 0. A parallel call
 *  cuts an output range into contiguous pieces, posts the job to the workers that are free, and
 *  then the main thread and they claim pieces until none is left (pieces.ts); the call returns
 *  once every claimed piece is done. So a worker that the OS has not scheduled delays nothing
 *  but its own piece: the main thread takes the rest, and a call on N threads is never much
 *  slower than on one. Pieces are cut the same way for the same thread count, and every kernel
 *  computes each output in one fixed order, so results do not depend on who ran which piece. */
export class ThreadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly control: Int32Array;
  private wanted = 1;
  private epoch = 0;

  constructor(private readonly platform: Platform, private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory, private readonly controlOffset: number,
    private readonly exports: Record<string, Job>) {
    this.control = new Int32Array(memory.buffer, controlOffset, MAX_THREADS * SLOT_INTS);
    platform.onExit?.(() => { for (let slot = 1; slot <= this.workers.length; slot++) this.tellToStop(slot); });
  }

  /** Threads a call may use now: the main thread plus the workers that are up. */
  /** Threads for a job over this many elements: below MIN_PARALLEL_ELEMENTS a wake-up is not worth it. */
  threadsFor(elements: number): number { return elements < MIN_PARALLEL_ELEMENTS ? 1 : this.threads; }

  get threads(): number {
    let n = 1;
    while (n < this.wanted && Atomics.load(this.control, n * SLOT_INTS + READY) === 1) n++;
    return n;
  }

  /** Use n threads (main included). Resolves when the new workers are up. */
  async resize(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1) throw new LowbitError(`wasm backend: setThreads(${n}): need a whole number >= 1`);
    if (!this.platform.canBlock) n = 1; // a browser main thread may not Atomics.wait: no workers
    // a private memory (no SharedArrayBuffer: a page without cross-origin isolation) cannot be
    // shared with a worker at all
    if (typeof SharedArrayBuffer === 'undefined' || !(this.memory.buffer instanceof SharedArrayBuffer)) n = 1;
    n = Math.min(n, MAX_THREADS);
    while (this.workers.length > n - 1) this.stop(this.workers.length);
    while (this.workers.length < n - 1) {
      const slot = this.workers.length + 1;
      const base = slot * SLOT_INTS;
      Atomics.store(this.control, base + READY, 0);
      // a stopped worker left without marking its last job done: the new one starts free
      Atomics.store(this.control, base + DONE, Atomics.load(this.control, base + SEQ));
      Atomics.store(this.control, base + BUSY, 0);
      this.workers.push(this.platform.spawnWorker({ module: this.module, memory: this.memory,
        controlOffset: this.controlOffset, slot }));
    }
    this.wanted = n;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let slot = 1; slot < n; slot++) {
      while (Atomics.load(this.control, slot * SLOT_INTS + READY) !== 1) {
        if (Date.now() > deadline) {
          this.close();
          throw new LowbitError(`wasm backend: worker thread ${slot} did not start within ${START_TIMEOUT_MS} ms; `
            + 'run with LOWBIT_THREADS=1 (or setThreads(1)) to stay on one thread');
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  /** Run a product over its m rows × n columns: split by row (rowsJob, one row a unit) where each
   *  thread gets ROWS_PER_THREAD_TO_SPLIT rows or more, so that per-row set-up (a row's table or
   *  list) is made by one thread only; else by column (columnsJob, in units of `align`). Both jobs
   *  take the same args, then [lo, hi) and the thread's index. */
  parallelRowsOrColumns(columnsJob: JobName, rowsJob: JobName, args: readonly number[], m: number, n: number, align: number,
    maxThreads: number): void {
    const threads = Math.min(this.threads, maxThreads);
    if (threads > 1 && m >= ROWS_PER_THREAD_TO_SPLIT * threads) this.parallel(rowsJob, args, m, 1, threads);
    else this.parallel(columnsJob, args, n, align, threads);
  }

  /** Run job over [0, total): piece boundaries are multiples of `align`; `args` come first, then
   *  the piece's [lo, hi) and the thread's index (for per-thread scratch). At most `maxThreads` threads (small jobs are not worth a wake-up). */
  parallel(job: JobName, args: readonly number[], total: number, align: number, maxThreads: number): void {
    const units = Math.ceil(total / align);
    const threads = Math.max(1, Math.min(this.threads, units, maxThreads));
    const fn = this.exports[job]!;
    if (threads === 1) { fn(...args, 0, total, 0); return; }
    if (args.length + 3 > JOB_ARGS) throw new LowbitError(`wasm backend: job ${job} has too many arguments`);
    const per = Math.ceil(units / Math.min(units, threads * PIECES_PER_THREAD)) * align, pieces = Math.ceil(total / per);
    const epoch = this.epoch = (this.epoch + 1) & EPOCH_MASK, c = this.control;
    // epochs repeat after EPOCH_MASK + 1 jobs: a worker still asleep in a job of the last cycle
    // could take this one's pieces for its own, so every worker leaves its job first
    if (epoch === 0) for (let t = 1; t <= this.workers.length; t++) this.settle(t);
    Atomics.store(c, CLAIM, epoch << PIECE_BITS);
    const posted: number[] = [];
    for (let t = 1; t < threads; t++) {
      const base = t * SLOT_INTS;
      // a worker still in an earlier job (it has not woken for it yet) keeps its slot: not posted
      if (Atomics.load(c, base + DONE) !== c[base + SEQ]) continue;
      for (let i = 0; i < args.length; i++) c[base + ARGS + i] = args[i]!;
      c[base + NARGS] = args.length;
      c[base + EPOCH] = epoch;
      c[base + PIECES] = pieces;
      c[base + PER] = per;
      c[base + TOTAL] = total;
      c[base + JOB] = JOBS.indexOf(job);
      c[base + FAILED] = 0;
      Atomics.store(c, base + SEQ, (c[base + SEQ]! + 1) | 0);
      Atomics.notify(c, base + SEQ);
      posted.push(t);
    }
    runPieces(c, fn, [...args, 0, 0, 0], args.length, epoch, pieces, per, total, 0);
    for (const t of posted) this.await(t, job);
  }

  /** Stop every worker (the pool can be resized again afterwards). */
  close(): void { while (this.workers.length > 0) this.stop(this.workers.length); this.wanted = 1; }

  /** Wait until the worker in `slot` has left its last posted job. */
  private settle(slot: number): void {
    const base = slot * SLOT_INTS;
    for (let spin = 0; Atomics.load(this.control, base + DONE) !== this.control[base + SEQ]; spin++) {
      if (spin >= SPIN) Atomics.wait(this.control, base + DONE, Atomics.load(this.control, base + DONE), 100);
    }
  }

  /** Every piece is claimed: wait for the pieces a worker is still running. */
  private await(slot: number, job: JobName): void {
    const at = slot * SLOT_INTS + BUSY;
    for (let spin = 0; Atomics.load(this.control, at) !== 0; spin++) {
      if (spin >= SPIN) Atomics.wait(this.control, at, 1, 100);
    }
    if (this.control[slot * SLOT_INTS + FAILED] === 1) {
      throw new LowbitError(`wasm backend: worker thread ${slot} trapped running ${job} (out-of-bounds sizes?)`);
    }
  }

  private stop(slot: number): void {
    this.tellToStop(slot);
    Atomics.store(this.control, slot * SLOT_INTS + READY, 0);
    this.workers.pop()!.terminate();
  }

  /** Post STOP_JOB to a worker, waking it if it sleeps: it leaves its loop and its thread ends. */
  private tellToStop(slot: number): void {
    const base = slot * SLOT_INTS;
    this.control[base + JOB] = STOP_JOB;
    Atomics.add(this.control, base + SEQ, 1);
    Atomics.notify(this.control, base + SEQ);
  }
}
