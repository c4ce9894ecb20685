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

/** What autograd records on a tensor made by an op; the tensor layer only carries it. */
export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor<DType>[];
  backward(dy: Tensor): (Tensor | null)[];
}

/** An n-d array with a shape and a dtype; float tensors may take part in autograd.
 *  @example const x = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]) */
export class Tensor<D extends DType = 'float32'> {
  readonly shape: readonly number[];
  /** Set on parameters and on everything computed from them while grad mode is on. */
  requiresGrad = false;
  /** Accumulated gradient (leaves only), same shape as the tensor. */
  grad: Tensor | null = null;
  /** The op that made this tensor, when it needs a gradient. */
  node: GradNode | null = null;

  constructor(readonly data: ArrayFor[D], shape: readonly number[], readonly dtype: D = 'float32' as D) {
    this.shape = Object.freeze([...shape]);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new LowbitError(`tensor: bad shape [${shape.join(',')}]: dims must be integers >= 0`);
    }
    const want = dtype === 'bits' ? packedWords(shape) : sizeOf(shape);
    if (data.length !== want) {
      throw new LowbitError(`tensor: ${dtype} data of length ${data.length} does not fit shape [${shape.join(',')}] (needs ${want})`);
    }
  }

  /** Number of logical elements. */
  get size(): number { return sizeOf(this.shape); }
  get rank(): number { return this.shape.length; }

  toString(): string { return `Tensor<${this.dtype}>[${this.shape.join(',')}]`; }
}

export type FloatTensor = Tensor<'float32'>;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** u32 words of a packed tensor: rows × ceil(k / 32), k the last dim. */
export function packedWords(shape: readonly number[]): number {
  if (shape.length === 0) return 0;
  const k = shape[shape.length - 1]!;
  return k === 0 ? 0 : (sizeOf(shape) / k) * Math.ceil(k / 32);
}
