import { LowbitError } from '../errors/lowbit-error.js';
import { Random } from './random.js';
import { Tensor, sizeOf, type DType } from './tensor.js';

/** A float tensor from nested numbers or a flat array with a shape.
 *  @example tensor([[1, 2], [3, 4]]) */
export function tensor(values: number[] | number[][] | Float32Array, shape?: readonly number[]): Tensor {
  if (values instanceof Float32Array) return new Tensor(values, shape ?? [values.length]);
  const flat: number[] = [];
  const inferred: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (Array.isArray(v)) {
      if (inferred[depth] === undefined) inferred[depth] = v.length;
      else if (inferred[depth] !== v.length) throw new LowbitError('tensor: ragged nested array');
      for (const e of v) walk(e, depth + 1);
    } else if (typeof v === 'number') flat.push(v);
    else throw new LowbitError(`tensor: expected numbers, got ${typeof v}`);
  };
  walk(values, 0);
  return new Tensor(Float32Array.from(flat), shape ?? inferred);
}

export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

export function full(shape: readonly number[], value: number): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

export function ones(shape: readonly number[]): Tensor { return full(shape, 1); }

/** A zero-filled tensor of any dtype (packed `bits` sized for its rows of words), on the active backend. */
export function empty<D extends DType>(shape: readonly number[], dtype: D): Tensor<D> {
  return Tensor.empty(shape, dtype);
}

/** Standard normal values, seeded. @example randn([4, 7], { seed: 1 }) */
export function randn(shape: readonly number[], opts: { seed?: number; rng?: Random; scale?: number } = {}): Tensor {
  const rng = opts.rng ?? new Random(opts.seed ?? 1);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() * (opts.scale ?? 1);
  return new Tensor(values, shape);
}

/** Uniform values in [lo, hi), seeded. */
export function uniform(shape: readonly number[], lo: number, hi: number, opts: { seed?: number; rng?: Random } = {}): Tensor {
  const rng = opts.rng ?? new Random(opts.seed ?? 1);
  const values = new Float32Array(sizeOf(shape));
  rng.fillUniform(values, lo, hi);
  return new Tensor(values, shape);
}
