import { shapeMismatch } from '../errors/shape-error.js';

/** The broadcast shape of a and b (numpy rules), or a ShapeError naming the op. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw shapeMismatch(op, a, b, `dim ${i} of the broadcast (${da} vs ${db})`);
    out.push(Math.max(da, db) * (da === 0 || db === 0 ? 0 : 1));
  }
  return out;
}

/** Strides to read `shape` as if it had `outShape` (0 where it is broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length, strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = rank - shape.length + i;
    strides[d] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}
