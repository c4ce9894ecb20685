import type { Platform, WorkerInit } from './platform.js';

const MAX_DEFAULT_THREADS = 8;

/** Browser: the .wasm fetched from `wasmBase` (by default the package's build/ folder beside
 *  dist/), Web Workers, navigator.hardwareConcurrency. Threads need a cross-origin isolated page
 *  (SharedArrayBuffer) and a caller allowed to block in Atomics.wait, i.e. lowbit itself running
 *  in a Worker; on a page's main thread the pool stays at one thread. Tested in headless Chromium
 *  by test/browser.test.ts. */
export function browserPlatform(wasmBase: URL = new URL('../../../../build/', import.meta.url)): Platform {
  return {
    canBlock: typeof window === 'undefined', // a Worker may block, a page's main thread may not
    loadWasm: async (file) => (await fetch(new URL(file, wasmBase))).arrayBuffer(),
    spawnWorker(init: WorkerInit) {
      const worker = new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' });
      worker.postMessage(init); // a Module and a shared Memory are cloned by reference
      return { terminate: () => worker.terminate() };
    },
    defaultThreads: () => Math.min(navigator.hardwareConcurrency || 1, MAX_DEFAULT_THREADS),
  };
}
