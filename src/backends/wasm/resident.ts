/** The kinds a resident array may have (bytes stay ordinary arrays). */
export type ResidentKind = 'f32' | 'u32' | 'i32';
export interface ResidentArray { f32: Float32Array; u32: Uint32Array; i32: Int32Array }
import type { WasmHeap } from './heap.js';

type Block = { at: number; bytes: number };
type Words = Float32Array | Uint32Array | Int32Array;
const MAKE = { f32: Float32Array, u32: Uint32Array, i32: Int32Array } as const;

/** Resident arrays (persistent storage, Kernels.alloc): typed arrays viewing heap blocks of the shared wasm
 *  memory, which the kernels' glue passes by address instead of copying. A block goes back to
 *  the heap on free() or when its array is garbage collected.
 *  Only over a shared memory: growing a private (non-shared) one detaches its ArrayBuffer and
 *  every view on it, so the single-thread build does not offer resident arrays at all (reserving
 *  their memory up front would cost every page whether used or not). */
export class ResidentArrays {
  /** The memory's buffer objects that resident views were made on: an array whose buffer is one
   *  of them views the wasm memory (a subarray of a resident array included). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly blocks = new WeakMap<Words, Block>();
  private readonly collected: FinalizationRegistry<Block>;

  constructor(private readonly heap: WasmHeap) {
    this.collected = new FinalizationRegistry((b) => heap.release(b.at, b.bytes));
  }

  alloc<K extends ResidentKind>(kind: K, length: number): ResidentArray[K] | undefined {
    if (!Number.isInteger(length) || length < 0) return undefined;
    const block = this.heap.alloc(length * 4);
    if (!block) return undefined;
    const buffer = this.heap.memory.buffer;
    this.buffers.add(buffer);
    const array = new MAKE[kind](buffer, block.at, length).fill(0) as ResidentArray[K];
    this.blocks.set(array, block);
    this.collected.register(array, block, array);
    return array;
  }

  free(array: Words): void {
    const block = this.blocks.get(array);
    if (!block) return;
    this.blocks.delete(array);
    this.collected.unregister(array);
    this.heap.release(block.at, block.bytes);
  }

  /** The byte address of x in the wasm memory when x views it, else -1 (x must be copied). */
  addressOf(x: Words): number {
    return this.buffers.has(x.buffer) ? x.byteOffset : -1;
  }
}
