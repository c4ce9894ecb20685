/// <reference types="@webgpu/types" />
import { hostArray } from '../host-storage.js';
import type { HostArray, HostArrays, StorageKind } from '../kernels.js';
import type { GpuDevice } from './gpu-device.js';
import { GpuStorage, USAGE, stagingPool, storagePool, type BufferPool } from './gpu-storage.js';
import { WebGpuError } from './webgpu-error.js';

/** Dispatches encoded into one command buffer before it is submitted (and uniform slots per batch). */
const BATCH = 256;
/** Bytes of one dispatch's uniforms: 64 words, at the 256-byte offset alignment WebGPU requires. */
const SLOT_BYTES = 256, SLOT_WORDS = SLOT_BYTES / 4;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
export const MAX_GROUPS = 65535;
const MAP_READ = 1;

/** Ordering and execution for the WebGPU backend. Every call (a kernel, an upload, a read, a
 *  free, a host fallback) is put on ONE promise chain and runs after all calls before it, so
 *  host work (a read's mapAsync, a reference kernel run on read-back arrays) can never be
 *  overtaken by a kernel called later. On the chain, kernels are encoded into a pending command
 *  encoder (one compute pass) and submitted in batches: at a read, a write, or every BATCH
 *  dispatches; the GPU queue runs submitted work in order. A failure (a host kernel's error, a
 *  GPU validation error, a lost device) rejects the next `after` once; the chain goes on. */
export class GpuQueue {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private slots = 0;
  private readonly uniformHost = new Uint32Array(BATCH * SLOT_WORDS);
  private readonly uniform: GPUBuffer;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly storage: BufferPool;
  private readonly staging: BufferPool;
  /** Storage dropped without `free` gives its buffer back when collected. */
  private readonly collected = new FinalizationRegistry<GPUBuffer>((buffer) => this.enqueue(() => this.storage.give(buffer)));

  constructor(readonly gpu: GpuDevice) {
    const { device } = gpu;
    this.uniform = device.createBuffer({ size: BATCH * SLOT_BYTES, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    this.storage = storagePool(device);
    this.staging = stagingPool(device);
    device.onuncapturederror = (event) => this.fail(new WebGpuError(`webgpu: GPU error: ${event.error.message}`));
    void device.lost.then((info) => this.fail(new WebGpuError(`webgpu: the device was lost (${info.reason}): ${info.message}`)));
  }

  get device(): GPUDevice { return this.gpu.device; }

  /** Run `work` after everything enqueued before; an error it throws goes to the next `after`. */
  enqueue(work: () => void | Promise<void>): void {
    this.chain = this.chain.then(work).catch((error: unknown) => this.fail(error));
  }

  /** Resolves with `result()` after everything enqueued before it; rejects with a failure since the last one. */
  after<T>(result: () => T | Promise<T>): Promise<T> {
    const done = this.chain.then(async () => {
      let value: T | undefined, error: { error: unknown } | undefined;
      try { value = await result(); } catch (e) { error = { error: e }; }
      const failed = this.failure ?? error;
      this.failure = undefined;
      if (failed) throw failed.error;
      return value as T;
    });
    this.chain = done.then(() => {}, () => {});
    return done;
  }

  private fail(error: unknown): void { this.failure ??= { error }; }

  // ---- storage ---------------------------------------------------------------------------
  alloc<K extends StorageKind>(kind: K, length: number): GpuStorage {
    const bytes = Math.ceil((length * (kind === 'u8' ? 1 : 4)) / 4) * 4;
    const { buffer, fresh } = this.storage.take(bytes);
    const s = new GpuStorage(buffer, kind, length);
    this.collected.register(s, buffer, s);
    if (!fresh && bytes > 0) this.enqueue(() => { this.outsidePass().clearBuffer(buffer, 0, bytes); });
    return s;
  }

  free(s: GpuStorage): void {
    if (s.freed) return;
    s.freed = true;
    this.collected.unregister(s);
    this.enqueue(() => this.storage.give(s.buffer));
  }

  /** On the chain: the storage's values now (everything encoded before is submitted first). */
  async readNow<K extends StorageKind>(s: GpuStorage): Promise<HostArrays[K]> {
    if (s.length === 0) return hostArray(s.kind, 0) as HostArrays[K];
    const { buffer: staging } = this.staging.take(s.bytes);
    this.outsidePass().copyBufferToBuffer(s.buffer, 0, staging, 0, s.bytes);
    this.submit();
    await staging.mapAsync(MAP_READ, 0, s.bytes);
    const bytes = staging.getMappedRange(0, s.bytes).slice(0);
    staging.unmap();
    this.staging.give(staging);
    const out = hostArray(s.kind, 0).constructor as new (b: ArrayBuffer, at: number, n: number) => HostArray;
    return new out(bytes, 0, s.length) as HostArrays[K];
  }

  /** On the chain: overwrite the storage's values (after the work encoded before it). */
  writeNow(s: GpuStorage, values: HostArray): void {
    if (s.bytes === 0) return;
    this.submit(); // writeBuffer is ordered after submitted work only, not after a pending encoder
    let data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    if (data.byteLength !== s.bytes) { const padded = new Uint8Array(s.bytes); padded.set(data); data = padded; }
    this.device.queue.writeBuffer(s.buffer, 0, data as Uint8Array<ArrayBuffer>);
  }

  // ---- kernels ---------------------------------------------------------------------------
  /** Enqueue one dispatch of the pipeline `key` (its WGSL from `code()` the first time): binding 0
   *  is a uniform block holding `params` (u32 words, see `u`, `i`, `f`), bindings 1.. the storages
   *  in order, all read_write storage. Outputs come after inputs: WebGPU forbids binding one buffer
   *  twice writable, so where a storage is passed more than once, each occurrence but the last
   *  reads a copy made just before (an in-place call, `sign(x, x)`, writes the storage itself). */
  dispatch(key: string, code: () => string, storages: GpuStorage[], params: number[], groups: readonly [number, number?, number?]): void {
    const [x, y = 1, z = 1] = groups;
    if (x === 0 || y === 0 || z === 0) return;
    this.enqueue(() => {
      const pipeline = this.pipeline(key, code);
      if (this.slots === BATCH) this.submit();
      const copies: GPUBuffer[] = [];
      const bound = storages.map((s, at) => {
        if (storages.indexOf(s, at + 1) < 0) return s.buffer;
        const copy = this.storage.take(s.bytes).buffer;
        this.outsidePass().copyBufferToBuffer(s.buffer, 0, copy, 0, s.bytes);
        copies.push(copy);
        return copy;
      });
      const slot = this.slots++;
      this.uniformHost.set(params, slot * SLOT_WORDS);
      const bind = this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: this.uniform, offset: slot * SLOT_BYTES, size: SLOT_BYTES } },
          ...bound.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
      });
      const pass = this.computePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(x, y, z);
      for (const copy of copies) this.storage.give(copy); // later users are encoded after this dispatch
    });
  }

  private pipeline(key: string, code: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.device.createShaderModule({ code: code() }), entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.encoder ??= this.device.createCommandEncoder();
      this.pass = this.encoder.beginComputePass();
    }
    return this.pass;
  }

  private outsidePass(): GPUCommandEncoder {
    if (this.pass) { this.pass.end(); this.pass = undefined; }
    return this.encoder ??= this.device.createCommandEncoder();
  }

  /** Submit what is encoded, with this batch's uniforms written first. */
  submit(): void {
    if (!this.encoder) return;
    const encoder = this.outsidePass();
    if (this.slots > 0) this.device.queue.writeBuffer(this.uniform, 0, this.uniformHost, 0, this.slots * SLOT_WORDS);
    this.device.queue.submit([encoder.finish()]);
    this.encoder = undefined;
    this.slots = 0;
  }
}

const word = new DataView(new ArrayBuffer(4));
/** A uniform word from an unsigned, a signed integer, or a float32. */
export const u = (x: number): number => x >>> 0;
export const i = (x: number): number => x >>> 0;
export const f = (x: number): number => { word.setFloat32(0, x, true); return word.getUint32(0, true); };

/** Workgroups for `count` invocations of `size` each, split over x and y past MAX_GROUPS. The
 *  shader's flat index is `gid.x + gid.y * nwg.x * size` (see `FLAT` in wgsl-common.ts). */
export function grid(count: number, size = 256): [number, number] {
  const groups = Math.ceil(count / size);
  if (groups <= MAX_GROUPS) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y];
}
