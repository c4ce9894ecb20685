import type { HostArray, Kernels, StorageKind, StorageMembers } from '../kernels.js';
import { completeAsyncBackend, opaque, runOnHost, type AsyncHost } from '../registry.js';
import { adamKernels } from './adam.js';
import { batchNormKernels } from './batch-norm.js';
import { broadcastKernels } from './broadcast.js';
import { convKernels } from './conv.js';
import { convPackedKernels } from './conv-packed.js';
import { elementwiseKernels } from './elementwise.js';
import { engineEpilogueKernels } from './engine-epilogues.js';
import { gemmKernels } from './gemm.js';
import { requestGpuDevice, type GpuDevice } from './gpu-device.js';
import { GpuQueue } from './gpu-queue.js';
import { GpuStorage } from './gpu-storage.js';
import { lossKernels } from './losses.js';
import { packKernels } from './pack.js';
import { preparedKernels } from './prepared.js';
import { xnorGemmKernels } from './xnor-gemm.js';

type GpuTypes = { f32: GpuStorage; i32: GpuStorage; u32: GpuStorage; u8: GpuStorage };
const KIND_OF = (a: HostArray): StorageKind =>
  a instanceof Float32Array ? 'f32' : a instanceof Int32Array ? 'i32' : a instanceof Uint32Array ? 'u32' : 'u8';

/** The WebGPU backend as ops see it, with the adapter it runs on and the device objects it holds. */
export type WebGpuKernels = Kernels & { readonly adapter: string; readonly device: GpuDevice };

/** A WebGPU backend on a new device: WGSL kernels for the whole training path of the binary
 *  MLP (products, packing, elementwise, batch norm, losses, Adam) and of the conv nets (im2col,
 *  the binary convolution and its input gradient, max-pool), and for the packed engine; every
 *  other kernel is the reference's, run on read-back storage in the backend's order
 *  (registry.ts completeAsyncBackend).
 *  @example const gpu = await makeWebGpuBackend(); setKernels(gpu) */
export async function makeWebGpuBackend(): Promise<WebGpuKernels> {
  const device = await requestGpuDevice();
  const q = new GpuQueue(device);
  const host: AsyncHost<GpuTypes> = { onChain: (work) => q.enqueue(work), readNow: (s) => q.readNow(s), writeNow: (s, v) => q.writeNow(s, v) };
  const storage: StorageMembers<GpuTypes> = {
    alloc: (kind, length) => q.alloc(kind, length),
    fromArray: ((array: HostArray) => {
      const s = q.alloc(KIND_OF(array), array.length);
      q.enqueue(() => q.writeNow(s, array)); // the backend may keep the array (the contract)
      return s;
    }) as StorageMembers<GpuTypes>['fromArray'],
    write: (dst, values) => { const copy = values.slice(); q.enqueue(() => q.writeNow(dst, copy)); },
    isStorage: (x) => x instanceof GpuStorage,
    lengthOf: (buf) => buf.length,
    read: (buf) => q.after(() => q.readNow(buf)),
    flush: () => q.after(async () => { q.submit(); await device.device.queue.onSubmittedWorkDone(); }),
    free: (buf) => q.free(buf),
  };
  const prepared = preparedKernels(q), convPacked = convPackedKernels(q);
  const own = {
    name: 'webgpu',
    adapter: device.description,
    device, // held for the backend's life: Dawn aborts if its GPU object is collected while in use
    ...storage,
    ...elementwiseKernels(q),
    ...broadcastKernels(q, (name, args) => runOnHost(storage, host, name, args)),
    ...gemmKernels(q),
    ...xnorGemmKernels(q),
    ...packKernels(q),
    ...batchNormKernels(q),
    ...lossKernels(q),
    ...adamKernels(q),
    ...prepared,
    ...engineEpilogueKernels(q),
    ...convKernels(q),
    ...convPacked,
  };
  // the fused conv layers as their definitions: im2col rows, then the prepared product
  const fused: Pick<Kernels<GpuTypes>, 'convThreshold' | 'pixelConvThreshold'> = {
    convThreshold(x, g, t, cols, out) {
      convPacked.im2colBits(x, g, cols);
      prepared.binaryThreshold(cols, t, out, g.batch * g.outH * g.outW);
    },
    pixelConvThreshold(x, g, padValue, t, bytes, out) {
      convPacked.im2colBytes(x, g, padValue, bytes);
      prepared.pixelThreshold(bytes, t, out, g.batch * g.outH * g.outW);
    },
  };
  return opaque(completeAsyncBackend<GpuTypes, typeof own & typeof fused>({ ...own, ...fused }, host) as never) as WebGpuKernels;
}

let shared: Promise<WebGpuKernels> | undefined;
/** One backend per process (what `useBackend('webgpu')` gives); a failed start is retried next time. */
export function loadWebGpuBackend(): Promise<WebGpuKernels> {
  shared ??= makeWebGpuBackend().catch((e: unknown) => { shared = undefined; throw e; });
  return shared;
}
