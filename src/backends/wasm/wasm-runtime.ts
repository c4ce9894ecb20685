import { Arena } from './arena.js';
import { WasmHeap } from './heap.js';
import { CONTROL_BYTES } from './jobs.js';
import type { Platform } from './platform.js';
import { ResidentArrays } from './resident.js';
import { ThreadPool } from './thread-pool.js';

type Job = (...args: number[]) => unknown;

const INITIAL_PAGES = 256;   // 16 MiB; grows on demand
const MAXIMUM_PAGES = 65536; // 4 GiB, the wasm32 limit (a shared memory must declare one)

/** The instantiated module and what its kernels share: the memory, its heap, the per-call
 *  arena, the resident arrays (null without shared memory), the threads. */
export interface WasmRuntime {
  readonly exports: Record<string, Job>;
  readonly heap: WasmHeap;
  readonly arena: Arena;
  readonly resident: ResidentArrays | null;
  readonly pool: ThreadPool;
  /** false when shared memory is unavailable: one thread, the non-shared build. */
  readonly shared: boolean;
}

/** Instantiate build/lowbit.wasm on a shared memory (threads), or build/lowbit-st.wasm on a
 *  private one where SharedArrayBuffer is missing (a browser page without cross-origin
 *  isolation). */
export async function createRuntime(platform: Platform): Promise<WasmRuntime> {
  const shared = typeof SharedArrayBuffer !== 'undefined';
  const module = await WebAssembly.compile(await platform.loadWasm(shared ? 'lowbit.wasm' : 'lowbit-st.wasm'));
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort: trap } });
  const exports = instance.exports as unknown as Record<string, Job>;
  const controlOffset = Math.ceil(Number(exports['heapBase']!()) / 64) * 64;
  const heap = new WasmHeap(memory, controlOffset + CONTROL_BYTES);
  const resident = shared ? new ResidentArrays(heap) : null;
  const arena = new Arena(heap, resident);
  const pool = new ThreadPool(platform, module, memory, controlOffset, exports);
  return { exports, heap, arena, resident, pool, shared };
}

function trap(): never { throw new Error('wasm abort'); }
