import { defineOp } from '../autograd/define-op.js';
import { shapeMismatch } from '../errors/shape-error.js';
import { f32, type Tensor } from '../tensor/tensor.js';
import { checkGates } from './lstm-cell.js';

// The GRU step in two ops, so that a layer may quantize the gates between them (QNN-SPEC §6.5):
// [r z n] = gates(xp, hp) with r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r⊙hn), then
// h = (1 − z)⊙n + z⊙hPrev. xp, hp: the input's and the state's projections [batch, 3·hidden].

const gruGatesOp = defineOp({
  name: 'gruGates',
  forward: ({ kernels, empty }, [xp, hp]) => {
    const [batch, width] = xp!.shape as [number, number], out = empty(xp!.shape);
    kernels.gruGates(f32(xp!), f32(hp!), out.storage, batch, width / 3);
    return out;
  },
  backward: ({ kernels, empty }, dy, [xp, hp], gates) => {
    const [batch, width] = xp!.shape as [number, number], dxp = empty(xp!.shape), dhp = empty(hp!.shape);
    kernels.gruGatesBackward(dy.storage, f32(gates), f32(hp!), dxp.storage, dhp.storage, batch, width / 3);
    return [dxp, dhp];
  },
});

const gruHiddenOp = defineOp({
  name: 'gruHidden',
  forward: ({ kernels, empty }, [gates, hPrev]) => {
    const [batch, hidden] = hPrev!.shape as [number, number], h = empty(hPrev!.shape);
    kernels.gruHidden(f32(gates!), f32(hPrev!), h.storage, batch, hidden);
    return h;
  },
  backward: ({ kernels, empty }, dh, [gates, hPrev]) => {
    const [batch, hidden] = hPrev!.shape as [number, number], dGates = empty(gates!.shape), dhPrev = empty(hPrev!.shape);
    kernels.gruHiddenBackward(dh.storage, f32(gates!), f32(hPrev!), dGates.storage, dhPrev.storage, batch, hidden);
    return [dGates, dhPrev];
  },
});

/** GRU gates [r z n] from the two projections [batch, 3·hidden].
 *  @example gruGates(add(matmulT(x, wx), bx), add(matmulT(h, wh), bh)) */
export function gruGates(xp: Tensor, hp: Tensor): Tensor {
  if (xp.rank !== 2 || xp.shape[1]! % 3 !== 0 || xp.shape.join(',') !== hp.shape.join(',')) {
    throw shapeMismatch('gruGates', xp.shape, hp.shape, 'both projections must be [batch, 3·hidden]');
  }
  return gruGatesOp([xp, hp], undefined) as Tensor;
}
/** The new state h = (1 − z)⊙n + z⊙hPrev. @example const h = gruHidden(gates, hPrev) */
export function gruHidden(gates: Tensor, hPrev: Tensor): Tensor {
  checkGates('gruHidden', gates, hPrev, 3);
  return gruHiddenOp([gates, hPrev], undefined) as Tensor;
}
