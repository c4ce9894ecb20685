/** The kinds a resident array may have (bytes stay ordinary arrays). */
export type ResidentKind = 'f32' | 'u32' | 'i32';
export interface ResidentArray { f32: Float32Array; u32: Uint32Array; i32: Int32Array }
import { LowbitError } from '../../errors/lowbit-error.js';
import { ALIGN, type WasmHeap } from './heap.js';

type Block = { at: number; bytes: number };
type Words = Float32Array | Uint32Array | Int32Array;
const MAKE = { f32: Float32Array, u32: Uint32Array, i32: Int32Array } as const;
/** The step region grows by at least this much at a time, and to at most REGION_MAX: a step that
 *  needs more makes ordinary arrays beyond it (the memory never shrinks, so it stays bounded). */
const REGION_CHUNK = 16 << 20, REGION_MAX = 1 << 30;

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
  /** The step scope's region (heap blocks kept from scope to scope), its bump pointer, and the
   *  number of the open scope (-1: none). */
  private region: Block[] = [];
  private top = 0;
  private open = -1;
  private scopes = 0;
  /** The scope each scoped array was made in. */
  private readonly born = new WeakMap<Words, number>();

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

  /** The byte address of x in the wasm memory when x views it, else -1 (x must be copied).
   *  Throws for an array of a scope that has ended: its memory belongs to a later step now. */
  addressOf(x: Words): number {
    if (!this.buffers.has(x.buffer)) return -1;
    this.checkLive(x);
    return x.byteOffset;
  }

  /** Run fn with the storage that is not persistent taken from one region of the wasm memory,
   *  reused by the next scope: a training step's activations and gradients then live where the
   *  kernels read them, with no copy in or out, and cost no garbage collection. Everything made
   *  inside is dead when fn returns; the kernels refuse a dead array (addressOf throws; a
   *  subarray of one is not recognised, so the glue must not keep subarrays). Inside an open
   *  scope fn just runs (the outer scope holds its arrays). */
  scope<T>(fn: () => T): T {
    if (this.open >= 0) return fn();
    if (this.region.length > 1) { // last scope outgrew its block: one block of the total from now on
      const bytes = this.region.reduce((sum, b) => sum + b.bytes, 0);
      for (const b of this.region) this.heap.release(b.at, b.bytes);
      const block = this.heap.alloc(bytes);
      this.region = block ? [this.poisoned(block)] : [];
    }
    this.top = this.region[0]?.at ?? 0;
    this.open = ++this.scopes;
    try { return fn(); } finally { this.open = -1; }
  }

  /** An array from the open scope's region, zero-filled unless `zero` is false (for a kernel's
   *  output that the kernel writes whole: its values are then what the region held), or
   *  undefined (no scope open, or the heap cannot grow: the caller makes an ordinary array). */
  scoped<K extends ResidentKind>(kind: K, length: number, zero = true): ResidentArray[K] | undefined {
    if (this.open < 0 || !Number.isInteger(length) || length < 0) return undefined;
    const bytes = Math.max(ALIGN, Math.ceil(length * 4 / ALIGN) * ALIGN);
    let last = this.region[this.region.length - 1];
    if (!last || this.top + bytes > last.at + last.bytes) {
      const grow = Math.max(bytes, last?.bytes ?? 0, REGION_CHUNK);
      if (this.regionBytes + grow > REGION_MAX) return undefined;
      const block = this.heap.alloc(grow);
      if (!block) return undefined;
      this.region.push(last = this.poisoned(block));
      this.top = block.at;
    }
    const at = this.top;
    this.top += bytes;
    const buffer = this.heap.memory.buffer;
    this.buffers.add(buffer);
    const array = new MAKE[kind](buffer, at, length) as ResidentArray[K];
    if (zero) array.fill(0);
    this.born.set(array, this.open);
    return array;
  }

  /** A block new to the region, filled with all-ones bits (NaN as f32, -1 as i32): an output
   *  element that a kernel failed to write then reads as NaN, not as a plausible 0. Once per block. */
  private poisoned(block: Block): Block {
    new Uint8Array(this.heap.memory.buffer, block.at, block.bytes).fill(0xff);
    return block;
  }

  /** Whether x was made in a step scope (ended or not). */
  isScoped(x: Words): boolean { return this.born.has(x); }

  /** Throw if x was made in a scope that has ended. */
  checkLive(x: Words): void {
    const scope = this.born.get(x);
    if (scope !== undefined && scope !== this.open) {
      throw new LowbitError('wasm backend: a tensor made inside a training step was used after the step ended; '
        + 'its memory holds a later step\'s values now (copy what must outlive the step into storage made outside it)');
    }
  }

  /** Bytes the step scope's region holds (for tests and reports). */
  get regionBytes(): number {
    return this.region.reduce((sum, b) => sum + b.bytes, 0);
  }
}
