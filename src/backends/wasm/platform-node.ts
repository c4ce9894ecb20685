import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LowbitError } from '../../errors/lowbit-error.js';
import { MAX_THREADS } from './jobs.js';
import type { Platform, WorkerInit } from './platform.js';

/** More threads than this rarely help a memory-bound layer and cost a wake-up each. */
const MAX_DEFAULT_THREADS = 8;

/** Node: the .wasm from the package's build/ folder, worker_threads, os.availableParallelism. */
export const nodePlatform: Platform = {
  canBlock: true,
  // this file runs from dist/src/backends/wasm/, the build output sits in the package root
  loadWasm: (file) => readFile(new URL(`../../../../build/${file}`, import.meta.url)),
  spawnWorker(init: WorkerInit) {
    const worker = new Worker(new URL('./worker-node.js', import.meta.url), { workerData: init });
    worker.unref(); // an idle pool must not keep the process (or `node --test`) alive
    worker.on('error', () => { /* it never sets READY: the pool reports the failure by slot */ });
    return { terminate: () => { void worker.terminate(); } };
  },
  onExit(fn) { process.once('exit', fn); },
  defaultThreads() {
    const env = process.env['LOWBIT_THREADS'];
    if (env !== undefined && env !== '') {
      // digits only: Number() would also take ' 2', '0x2' and '2e0', and the pool would cap 1000 silently
      const n = /^[0-9]+$/.test(env) ? Number(env) : NaN;
      if (!(n >= 1 && n <= MAX_THREADS)) {
        throw new LowbitError(`LOWBIT_THREADS='${env}' is not a thread count; set a whole number from 1 to ${MAX_THREADS}, or unset it (default: the cores, at most ${MAX_DEFAULT_THREADS})`);
      }
      return n;
    }
    return Math.min(availableParallelism(), MAX_DEFAULT_THREADS);
  },
  relaxedSimd() {
    const env = process.env['LOWBIT_RELAXED_SIMD'];
    if (env === undefined || env === '' || env === '1') return true;
    if (env === '0') return false;
    throw new LowbitError(`LOWBIT_RELAXED_SIMD='${env}': set 0 (the plain SIMD build) or 1 (relaxed where the engine has it), or unset it`);
  },
};
