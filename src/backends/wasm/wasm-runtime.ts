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
  /** The module loaded (build/lowbit[-st][-relaxed].wasm). */
  readonly build: string;
}

/** Instantiate build/lowbit.wasm on a shared memory (threads), or build/lowbit-st.wasm on a
 *  private one where SharedArrayBuffer is missing (a browser page without cross-origin
 *  isolation); each in its -relaxed build where the engine has relaxed SIMD and the platform
 *  does not turn it off. */
export async function createRuntime(platform: Platform): Promise<WasmRuntime> {
  const shared = typeof SharedArrayBuffer !== 'undefined';
  const relaxed = (platform.relaxedSimd?.() ?? true) && hasRelaxedSimd();
  const build = `lowbit${shared ? '' : '-st'}${relaxed ? '-relaxed' : ''}.wasm`;
  const module = await WebAssembly.compile(await platform.loadWasm(build));
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort: trap } });
  const exports = instance.exports as unknown as Record<string, Job>;
  const controlOffset = Math.ceil(Number(exports['heapBase']!()) / 64) * 64;
  const heap = new WasmHeap(memory, controlOffset + CONTROL_BYTES);
  const resident = shared ? new ResidentArrays(heap) : null;
  const arena = new Arena(heap, resident);
  const pool = new ThreadPool(platform, module, memory, controlOffset, exports);
  return { exports, heap, arena, resident, pool, shared, build };
}

/** Whether this engine compiles relaxed SIMD (Chrome 114+, Node 22+; Node 20 only behind
 *  --experimental-wasm-relaxed-simd): a module of one i8x16.relaxed_swizzle validates. */
export function hasRelaxedSimd(): boolean {
  const v128Zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...v128Zero, ...v128Zero, 0xfd, 0x80, 0x02, 0x0b]; // no locals; relaxed_swizzle; end
  return WebAssembly.validate(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,       // types: () -> v128
    0x03, 0x02, 0x01, 0x00,                         // one function of that type
    0x0a, body.length + 2, 0x01, body.length, ...body,
  ]));
}

function trap(): never { throw new Error('wasm abort'); }
