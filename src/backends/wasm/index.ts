import { hostArray, hostStorage } from '../host-storage.js';
import type { HostKernels, StorageKind, StorageMembers, HostArrays } from '../kernels.js';
import { completeBackend } from '../registry.js';
import { makeAdamStep } from './adam.js';
import { makeBitSerialLogGemm, makePackLogPlanes } from './bit-serial-log-gemm.js';
import { makeBatchNormBackward, makeBatchNormEval, makeBatchNormHardtanhBackward, makeBatchNormTrain, makeBatchNormTrainHardtanh } from './batch-norm.js';
import { makeClamp, makePassInside, makeSign, makeStochasticSign } from './elementwise.js';
import { makeGemm } from './gemm.js';
import { makeGemmSignB } from './gemm-sign-b.js';
import { makePackCols, makePackRows } from './pack.js';
import type { Platform } from './platform.js';
import type { ResidentArrays } from './resident.js';
import { createRuntime } from './wasm-runtime.js';
import { makeThresholdPack } from './threshold-pack.js';
import { makeXnorGemm } from './xnor-gemm.js';
import { makePixelSignGemm } from './pixel-sign-gemm.js';
import { makePixelSignGemmNibbles } from './pixel-sign-nibbles.js';
import { makeXnorGemmSliced } from './xnor-gemm-sliced.js';
import { makeXnorThresholdSliced } from './xnor-threshold-sliced.js';
import { makePreparedKernels } from './prepared.js';
import { makeCol2im, makeIm2col, makeIm2colPackSigns } from './im2col.js';
import { makeBroadcastBinary, makeReduceSum, makeSoftmaxCrossEntropy } from './sequence.js';
import { makeLstmCellKernels } from './lstm-cell.js';
import { makeMaxPool2d, makeMaxPool2dBackward } from './max-pool.js';
import { makeTransposeBits } from './transpose-bits.js';
import { makeConv2dBinaryForward, makeConv2dSignBackwardInput } from './conv-fused.js';
import { makeIm2colBits, makeIm2colBytes, makeMaxPoolInt, makePoolBits } from './packed-conv.js';

/** The wasm backend's kernels, plus its thread setting. */
export interface WasmKernels extends HostKernels {
  /** Use n threads (the calling thread included); resolves when they are up. Results do not
   *  depend on n. @example await (await loadWasmKernels()).setThreads(2) */
  setThreads(n: number): Promise<void>;
  /** Threads a kernel call may use now. */
  readonly threads: number;
  /** false when shared memory is unavailable: one thread only. */
  readonly shared: boolean;
  /** The module in use: build/lowbit[-st][-relaxed].wasm (-st: no shared memory; -relaxed: the
   *  engine has relaxed SIMD). */
  readonly build: string;
  /** Stop the worker threads (they never hold the process open anyway). */
  close(): void;
  /** Bytes of the wasm memory's heap in use now (resident arrays, prepared layouts, scratch). */
  readonly heapBytes: number;
}

let loading: Promise<WasmKernels> | undefined;

/** Load the wasm backend once per process (later calls return the same kernels), for Node or
 *  a browser as detected, or for the platform given. */
export function loadWasmKernels(platform?: Platform): Promise<WasmKernels> {
  loading ??= create(platform);
  return loading;
}

async function create(platform?: Platform): Promise<WasmKernels> {
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  const host = platform
    ?? (isNode ? (await import('./platform-node.js')).nodePlatform : (await import('./platform-browser.js')).browserPlatform());
  const rt = await createRuntime(host);
  await rt.pool.resize(rt.shared ? host.defaultThreads() : 1);
  // broadcasts and reductions but a sequence model's (sequence.ts), dropout, the losses but softmax cross-entropy, shift BN and AdaMax are left to the reference
  // (completeBackend): rare or tiny in training, where copying into wasm memory would eat the gain
  return completeBackend({
    ...hostStorage,
    ...(rt.resident ? residentStorage(rt.resident) : {}),
    name: 'wasm',
    xnorGemm: makeXnorGemm(rt),
    gemm: makeGemm(rt),
    gemmSignB: makeGemmSignB(rt),
    packRows: makePackRows(rt),
    packCols: makePackCols(rt),
    sign: makeSign(rt),
    stochasticSign: makeStochasticSign(rt),
    clamp: makeClamp(rt),
    passInside: makePassInside(rt),
    batchNormTrain: makeBatchNormTrain(rt),
    batchNormEval: makeBatchNormEval(rt),
    batchNormBackward: makeBatchNormBackward(rt),
    batchNormTrainHardtanh: makeBatchNormTrainHardtanh(rt),
    batchNormHardtanhBackward: makeBatchNormHardtanhBackward(rt),
    adamStep: makeAdamStep(rt),
    packLogPlanes: makePackLogPlanes(rt),
    bitSerialLogGemm: makeBitSerialLogGemm(rt),
    pixelSignGemm: makePixelSignGemm(rt),
    pixelSignGemmNibbles: makePixelSignGemmNibbles(rt),
    xnorGemmSliced: makeXnorGemmSliced(rt),
    xnorThresholdSliced: makeXnorThresholdSliced(rt),
    thresholdPack: makeThresholdPack(rt),
    ...makePreparedKernels(rt),
    im2col: makeIm2col(rt),
    im2colPackSigns: makeIm2colPackSigns(rt),
    col2im: makeCol2im(rt),
    broadcastBinary: makeBroadcastBinary(rt),
    reduceSum: makeReduceSum(rt),
    softmaxCrossEntropy: makeSoftmaxCrossEntropy(rt),
    maxPool2d: makeMaxPool2d(rt),
    maxPool2dBackward: makeMaxPool2dBackward(rt),
    transposeBits: makeTransposeBits(rt),
    ...makeLstmCellKernels(rt),
    conv2dSignBackwardInput: makeConv2dSignBackwardInput(rt),
    conv2dBinaryForward: makeConv2dBinaryForward(rt),
    im2colBits: makeIm2colBits(rt),
    im2colBytes: makeIm2colBytes(rt),
    maxPoolInt: makeMaxPoolInt(rt),
    poolBits: makePoolBits(rt),
    setThreads: (n: number) => rt.pool.resize(n),
    get threads() { return rt.pool.threads; },
    shared: rt.shared,
    build: rt.build,
    close: () => rt.pool.close(),
    get heapBytes() { return rt.heap.usedBytes; },
  });
}

/** Persistent storage (parameters, optimizer slots, a model's weights) as resident arrays in the
 *  shared wasm memory, which the kernels read in place; inside a step scope, the rest too (from
 *  the scope's region); only over shared memory (resident.ts says why), and ordinary arrays
 *  where the heap has no room. Reads of a scoped array are copies: its memory is reused. */
function residentStorage(resident: ResidentArrays): Pick<StorageMembers<HostArrays>, 'alloc' | 'allocOutput' | 'free' | 'read' | 'readSync' | 'write' | 'stepScope'> {
  const readSync = <K extends StorageKind>(buf: HostArrays[K]): HostArrays[K] => {
    if (buf instanceof Uint8Array || !resident.isScoped(buf)) return buf;
    resident.checkLive(buf);
    return buf.slice() as HostArrays[K];
  };
  return {
    alloc: (kind, length, persistent = false) =>
      ((kind === 'u8' ? undefined : persistent ? resident.alloc(kind, length) : resident.scoped(kind, length)) ?? hostArray(kind, length)) as never,
    // asked for only before a kernel that writes every element: the glue relies on that already
    // (outside a scope an output goes to scratch that is not cleared, then is copied out)
    allocOutput: (kind, length) => ((kind === 'u8' ? undefined : resident.scoped(kind, length, false)) ?? hostArray(kind, length)) as never,
    free: (array) => { if (!(array instanceof Uint8Array)) resident.free(array); },
    readSync,
    read: async (buf) => readSync(buf), // a dead array: a rejection, as a read on the other backends
    write: (dst, values) => { if (!(dst instanceof Uint8Array)) resident.checkLive(dst); dst.set(values as never); },
    stepScope: (fn) => resident.scope(fn),
  };
}
