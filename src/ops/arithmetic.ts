import type { BinaryOp } from '../backends/kernels.js';
import { defineOp } from '../autograd/define-op.js';
import { Tensor, f32, sizeOf } from '../tensor/tensor.js';
import { unbroadcast } from './broadcast-grad.js';
import { broadcastShapes, broadcastStrides } from './shapes.js';

/** Elementwise a (op) b with numpy broadcasting; gradients are summed back to each input's shape. */
const arithmetic = defineOp<BinaryOp>({
  name: 'arithmetic',
  forward: ({ kernels, attrs: op, empty }, [a, b]) => {
    const shape = broadcastShapes(op, a!.shape, b!.shape);
    const out = empty(shape);
    kernels.broadcastBinary(op, f32(a!), broadcastStrides(a!.shape, shape), f32(b!), broadcastStrides(b!.shape, shape), out.storage, shape);
    return out;
  },
  backward: ({ kernels: k, attrs: op, empty }, dy, [a, b]) => {
    const times = (x: Tensor, y: Tensor, binary: BinaryOp = 'mul'): Tensor => {
      const out = empty(dy.shape);
      k.broadcastBinary(binary, x.storage, broadcastStrides(x.shape, dy.shape), y.storage, broadcastStrides(y.shape, dy.shape), out.storage, dy.shape);
      return out;
    };
    const minusOne = (): Tensor => new Tensor(new Float32Array([-1]), [1], 'float32', k);
    const A = a as Tensor, B = b as Tensor;
    if (op === 'add') return [unbroadcast(k, dy, A.shape), unbroadcast(k, dy, B.shape)];
    if (op === 'sub') return [unbroadcast(k, dy, A.shape), unbroadcast(k, times(dy, minusOne()), B.shape)];
    if (op === 'mul') return [unbroadcast(k, times(dy, B), A.shape), unbroadcast(k, times(dy, A), B.shape)];
    // d(a/b)/da = 1/b; d(a/b)/db = -a/b²
    const dA = times(dy, B, 'div');
    const dB = times(times(dA, A), times(B, minusOne()), 'div');
    return [unbroadcast(k, dA, A.shape), unbroadcast(k, dB, B.shape)];
  },
});

/** a + b, broadcasting. @example add(x, bias) */
export const add = (a: Tensor, b: Tensor): Tensor => arithmetic([a, b], 'add') as Tensor;
/** a - b, broadcasting. */
export const sub = (a: Tensor, b: Tensor): Tensor => arithmetic([a, b], 'sub') as Tensor;
/** a * b elementwise, broadcasting. */
export const mul = (a: Tensor, b: Tensor): Tensor => arithmetic([a, b], 'mul') as Tensor;
/** a / b elementwise, broadcasting. */
export const div = (a: Tensor, b: Tensor): Tensor => arithmetic([a, b], 'div') as Tensor;
