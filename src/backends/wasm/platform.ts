/** What the wasm backend needs from its host (Node or a browser): the compiled module's bytes,
 *  a way to start a worker thread, and the thread defaults. Everything else is platform-free. */
export interface Platform {
  /** Bytes of build/<file>. */
  loadWasm(file: string): Promise<BufferSource>;
  /** Start a thread that runs workerLoop(module, memory, controlOffset, slot). */
  spawnWorker(init: WorkerInit): WorkerHandle;
  /** Thread count to use when none is set (env LOWBIT_THREADS, else the core count, capped). */
  defaultThreads(): number;
  /** Whether this thread may block in Atomics.wait (not a browser's main thread). */
  readonly canBlock: boolean;
  /** false turns the relaxed-SIMD build off even where the engine has relaxed SIMD (absent:
   *  use it where it compiles). */
  relaxedSimd?(): boolean;
  /** Call fn once as the process exits (Node): the pool then tells its workers to leave their
   *  loops, so that none is parked in Atomics.wait while the runtime tears the threads down. */
  onExit?(fn: () => void): void;
}

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  controlOffset: number;
  slot: number;
}

export interface WorkerHandle {
  /** Stop the thread at once (a blocked Atomics.wait included). */
  terminate(): void;
}
