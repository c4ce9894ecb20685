import type { Kernels, Storage } from '../backends/kernels.js';
import { kernels } from '../backends/registry.js';
import { LowbitError } from '../errors/lowbit-error.js';

/** Element types. `bits` is a packed ±1 tensor: bit 1 = -1, bit 0 = +1, packed along the last
 *  axis, 32 per u32 word, little-endian, each row padded to whole words with 0 bits (DESIGN.md). */
export type DType = 'float32' | 'int32' | 'uint8' | 'bits';

export interface ArrayFor {
  float32: Float32Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bits: Uint32Array;
}

/** The storage kind behind each dtype. */
export const KIND_OF = { float32: 'f32', int32: 'i32', uint8: 'u8', bits: 'u32' } as const;
export type StorageFor<D extends DType> = Storage<(typeof KIND_OF)[D]>;

/** What autograd records on a tensor made by an op; the tensor layer only carries it. */
export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor<DType>[];
  backward(dy: Tensor): (Tensor | null)[];
}

/** An n-d array with a shape and a dtype; float tensors may take part in autograd. Its values
 *  live in a backend's storage (DESIGN.md, "Tensors live on a device"): ops compute on them there,
 *  and they come back only through `await t.data()` (or `t.dataSync()` on a synchronous backend).
 *  Made from a typed array, the tensor's backend takes that array as its storage (the CPU
 *  backends use it as it is: do not write to it afterwards).
 *  @example const x = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]); await x.data() */
export class Tensor<D extends DType = 'float32'> {
  readonly shape: readonly number[];
  readonly storage: StorageFor<D>;
  /** Set on parameters and on everything computed from them while grad mode is on. */
  requiresGrad = false;
  /** Accumulated gradient (leaves only), same shape as the tensor. */
  grad: Tensor | null = null;
  /** The op that made this tensor, when it needs a gradient. */
  node: GradNode | null = null;

  constructor(source: ArrayFor[D] | StorageFor<D>, shape: readonly number[], readonly dtype: D = 'float32' as D,
    readonly backend: Kernels = kernels()) {
    this.shape = Object.freeze([...shape]);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new LowbitError(`tensor: bad shape [${shape.join(',')}]: dims must be integers >= 0`);
    }
    this.storage = (backend.isStorage(source) ? source : backend.fromArray(source as never)) as StorageFor<D>;
    const want = storageLength(shape, dtype), length = backend.lengthOf(this.storage as never);
    if (length !== want) {
      throw new LowbitError(`tensor: ${dtype} data of length ${length} does not fit shape [${shape.join(',')}] (needs ${want})`);
    }
  }

  /** A new tensor of this shape and dtype on this tensor's backend, zero-filled. */
  static empty<D extends DType = 'float32'>(shape: readonly number[], dtype: D = 'float32' as D, backend: Kernels = kernels()): Tensor<D> {
    return new Tensor<D>(backend.alloc(KIND_OF[dtype], storageLength(shape, dtype)) as never, shape, dtype, backend);
  }

  /** A new tensor for the next kernel to write whole: as empty, but on a backend that can skip
   *  the zero-fill (Kernels.allocOutput) its values until then are unspecified. */
  static output<D extends DType = 'float32'>(shape: readonly number[], dtype: D = 'float32' as D, backend: Kernels = kernels()): Tensor<D> {
    const n = storageLength(shape, dtype), kind = KIND_OF[dtype];
    return new Tensor<D>((backend.allocOutput ? backend.allocOutput(kind, n) : backend.alloc(kind, n)) as never, shape, dtype, backend);
  }

  /** Number of logical elements. */
  get size(): number { return sizeOf(this.shape); }
  get rank(): number { return this.shape.length; }

  /** The values, once every kernel before has run (the backend's own array on a CPU backend:
   *  read, do not write). */
  data(): Promise<ArrayFor[D]> { return this.backend.read(this.storage as never) as Promise<ArrayFor[D]>; }

  /** The values at once; only on a synchronous backend (reference, wasm). */
  dataSync(): ArrayFor[D] {
    if (!this.backend.readSync) {
      throw new LowbitError(`tensor: the '${this.backend.name}' backend computes asynchronously; use 'await tensor.data()'`);
    }
    return this.backend.readSync(this.storage as never) as ArrayFor[D];
  }

  /** Overwrite the values (after the kernels enqueued before), e.g. to set weights by hand.
   *  @example w.write(Float32Array.from(w.dataSync(), (v) => -v)) */
  write(values: ArrayFor[D]): void {
    if (values.length !== this.backend.lengthOf(this.storage as never)) {
      throw new LowbitError(`tensor: ${values.length} values for a ${this.dtype} tensor of shape [${this.shape.join(',')}]`);
    }
    this.backend.write(this.storage as never, values as never);
  }

  toString(): string { return `Tensor<${this.dtype}>[${this.shape.join(',')}]`; }
}

export type FloatTensor = Tensor<'float32'>;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Storage elements of a tensor of this shape and dtype: packed words for bits, else its size. */
function storageLength(shape: readonly number[], dtype: DType): number {
  return dtype === 'bits' ? packedWords(shape) : sizeOf(shape);
}

/** u32 words of a packed tensor: rows × ceil(k / 32), k the last dim. */
export function packedWords(shape: readonly number[]): number {
  if (shape.length === 0) return 0;
  const k = shape[shape.length - 1]!;
  return k === 0 ? 0 : (sizeOf(shape) / k) * Math.ceil(k / 32);
}

/** The float32 storage of a tensor that an op received as any dtype (ops take float inputs). */
export function f32(t: Tensor<DType>): Storage<'f32'> {
  if (t.dtype !== 'float32') throw new LowbitError(`tensor: expected a float32 tensor, got ${t.dtype} [${t.shape.join(',')}]`);
  return t.storage as Storage<'f32'>;
}
