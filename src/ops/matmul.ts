import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { shapeMismatch } from '../errors/shape-error.js';

import { f32, type Tensor } from '../tensor/tensor.js';

interface MatmulAttrs { transB: boolean }

/** y = a·b ([m,k]·[k,n]) or, with transB, y = a·bᵀ ([m,k]·[n,k]ᵀ, the Dense layout). */
const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ({ kernels, attrs, empty }, [a, b]) => {
    if (a!.rank !== 2 || b!.rank !== 2) throw new LowbitError(`matmul: needs 2-d tensors, got [${a!.shape}] and [${b!.shape}]`);
    const [m, k] = a!.shape as [number, number];
    const [n, kb] = (attrs.transB ? b!.shape : [b!.shape[1], b!.shape[0]]) as [number, number];
    if (k !== kb) throw shapeMismatch('matmul', a!.shape, b!.shape, `inner dims (${k} vs ${kb})${attrs.transB ? ' with b transposed' : ''}`);
    const out = empty([m, n]);
    kernels.gemm(f32(a!), f32(b!), out.storage, m, n, k, false, attrs.transB, false);
    return out;
  },
  backward: ({ kernels, attrs, empty }, dy, [a, b]) => {
    const [m, k] = a!.shape as [number, number];
    const n = dy.shape[1]!;
    let da: Tensor | null = null, db: Tensor | null = null;
    if (a!.requiresGrad) { // da = dy·bᵀ (or dy·b when b was transposed); not for a network's input
      da = empty(a!.shape);
      kernels.gemm(dy.storage, f32(b!), da.storage, m, k, n, false, !attrs.transB, false);
    }
    if (b!.requiresGrad) { // db = aᵀ·dy, or (aᵀ·dy)ᵀ = dyᵀ·a with transB
      db = empty(b!.shape);
      if (attrs.transB) kernels.gemm(dy.storage, f32(a!), db.storage, n, k, m, true, false, false);
      else kernels.gemm(f32(a!), dy.storage, db.storage, k, n, m, true, false, false);
    }
    return [da, db];
  },
});

/** Matrix product a·b. @example matmul(x, w) // [m,k]·[k,n] → [m,n] */
export const matmul = (a: Tensor, b: Tensor): Tensor => matmulOp([a, b], { transB: false }) as Tensor;
/** a·bᵀ: the Dense layer's product with weights stored [out, in]. */
export const matmulT = (a: Tensor, b: Tensor): Tensor => matmulOp([a, b], { transB: true }) as Tensor;
