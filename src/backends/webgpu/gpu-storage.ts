/// <reference types="@webgpu/types" />
import type { StorageKind } from '../kernels.js';

/** GPUBufferUsage's bits, spelled out: Node has no GPUBufferUsage global. */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const STORAGE_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
const BYTES: Record<StorageKind, number> = { f32: 4, i32: 4, u32: 4, u8: 1 };

/** A tensor's storage on the GPU: `length` elements of `kind` in a buffer of a pooled size
 *  class (at least 16 bytes: a binding may not be empty, and its size must be a multiple of 4). */
export class GpuStorage {
  freed = false;
  constructor(readonly buffer: GPUBuffer, readonly kind: StorageKind, readonly length: number) {}
  /** Bytes the values take, rounded up to whole words (writes and copies move words). */
  get bytes(): number { return Math.ceil((this.length * BYTES[this.kind]) / 4) * 4; }
}

/** Size classes in quarter steps between powers of two (at most 25% unused), from 256 bytes. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const top = 2 ** Math.floor(Math.log2(bytes - 1));
  for (const step of [1.25, 1.5, 1.75, 2]) if (bytes <= top * step) return top * step;
  return 2 * top;
}

/** Buffers of one usage kept for reuse by size class; beyond `limitBytes` pooled, they are destroyed. */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  constructor(private readonly device: GPUDevice, private readonly usage: number, private readonly limitBytes = 512 * 2 ** 20) {}

  /** A buffer of at least `bytes`, and whether it is fresh (zero-filled by WebGPU). */
  take(bytes: number): { buffer: GPUBuffer; fresh: boolean } {
    const size = sizeClass(bytes), reuse = this.free.get(size)?.pop();
    if (reuse) {
      this.pooledBytes -= size;
      return { buffer: reuse, fresh: false };
    }
    return { buffer: this.device.createBuffer({ size, usage: this.usage }), fresh: true };
  }

  /** Back to the pool, once nothing enqueued later can still be encoded against its old owner. */
  give(buffer: GPUBuffer): void {
    if (this.pooledBytes + buffer.size > this.limitBytes) { buffer.destroy(); return; }
    this.pooledBytes += buffer.size;
    let list = this.free.get(buffer.size);
    if (!list) this.free.set(buffer.size, list = []);
    list.push(buffer);
  }
}

export const storagePool = (device: GPUDevice): BufferPool => new BufferPool(device, STORAGE_USAGE);
export const stagingPool = (device: GPUDevice): BufferPool => new BufferPool(device, USAGE.MAP_READ | USAGE.COPY_DST, 128 * 2 ** 20);
