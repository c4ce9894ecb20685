import { defineOp } from '../autograd/define-op.js';
import { shapeMismatch } from '../errors/shape-error.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { f32, Tensor } from '../tensor/tensor.js';

// The LSTM step in three ops, so that a layer may quantize the activated gates between the
// first and the others (QNN-SPEC §6.5): gates = act(pre), c = f⊙cPrev + i⊙g, h = o⊙tanh(c).
// Gate blocks are [batch, 4·hidden], [i f g o] side by side in each row.

const lstmGatesOp = defineOp({
  name: 'lstmGates',
  forward: ({ kernels, empty }, [pre]) => {
    const [batch, width] = pre!.shape as [number, number], out = empty(pre!.shape);
    kernels.lstmGates(f32(pre!), out.storage, batch, width / 4);
    return out;
  },
  backward: ({ kernels, empty }, dy, _inputs, y) => {
    const [batch, width] = dy.shape as [number, number], dx = empty(dy.shape);
    kernels.lstmGatesBackward(dy.storage, f32(y), dx.storage, batch, width / 4);
    return [dx];
  },
});

const lstmCellStateOp = defineOp({
  name: 'lstmCellState',
  forward: ({ kernels, empty }, [gates, cPrev]) => {
    const [batch, hidden] = cPrev!.shape as [number, number], c = empty(cPrev!.shape);
    kernels.lstmCellState(f32(gates!), f32(cPrev!), c.storage, batch, hidden);
    return c;
  },
  backward: ({ kernels, empty }, dc, [gates, cPrev]) => {
    const [batch, hidden] = cPrev!.shape as [number, number], dGates = empty(gates!.shape), dcPrev = empty(cPrev!.shape);
    kernels.lstmCellStateBackward(dc.storage, f32(gates!), f32(cPrev!), dGates.storage, dcPrev.storage, batch, hidden);
    return [dGates, dcPrev];
  },
});

const lstmHiddenOp = defineOp({
  name: 'lstmHidden',
  forward: ({ kernels, empty }, [gates, c]) => {
    const [batch, hidden] = c!.shape as [number, number], h = empty(c!.shape);
    kernels.lstmHidden(f32(gates!), f32(c!), h.storage, batch, hidden);
    return h;
  },
  backward: ({ kernels, empty }, dh, [gates, c]) => {
    const [batch, hidden] = c!.shape as [number, number], dGates = empty(gates!.shape), dc = empty(c!.shape);
    kernels.lstmHiddenBackward(dh.storage, f32(gates!), f32(c!), dGates.storage, dc.storage, batch, hidden);
    return [dGates, dc];
  },
});

// A recurrence's weight gradient dWh = Σ_t dPre_tᵀ·h_{t−1} in one product over all steps instead
// of a k = batch product and a whole-size add per step: the steps multiply by a detached Wh (their
// products still pass gradients to h), and this op, on the input's projection of every step,
// adds dPᵀ·H to Wh's gradient, H the previous states, which the loop has made by backward time.
const recurrentWeightGradOp = defineOp<{ states: () => Tensor }>({
  name: 'recurrentWeightGrad',
  forward: (_ctx, [proj]) => new Tensor(proj!.storage, proj!.shape, 'float32', proj!.backend),
  backward: ({ kernels, attrs, empty }, dy, [proj, wh]) => {
    const h = attrs.states(), [rows, width] = dy.shape as [number, number], [g, hidden] = wh!.shape as [number, number];
    if (h.rank !== 2 || h.shape[0] !== rows || h.shape[1] !== hidden || g !== width) {
      throw shapeMismatch('recurrentWeightGrad', h.shape, wh!.shape, `the states must be [${rows}, ${hidden}] for gates [${rows}, ${width}]`);
    }
    let dwh: Tensor | null = null;
    if (wh!.requiresGrad) {
      dwh = empty(wh!.shape);
      kernels.gemm(dy.storage, f32(h), dwh.storage, g, hidden, rows, true, false, false);
    }
    return [proj!.requiresGrad ? dy : null, dwh];
  },
});

/** proj [steps·batch, G·hidden] as it is; in backward, also Wh's gradient of every step's
 *  h_{t−1}·Whᵀ, where the loop multiplied by `detach(wh)`: dprojᵀ·states(), states() the
 *  [steps·batch, hidden] previous states h_{−1} … h_{steps−2}, called once, in backward.
 *  @example const p = recurrentWeightGrad(proj, wh, () => concatRows([h0, ...hs.slice(0, -1)])) */
export function recurrentWeightGrad(proj: Tensor, wh: Tensor, states: () => Tensor): Tensor {
  if (proj.rank !== 2 || wh.rank !== 2 || proj.shape[1] !== wh.shape[0]) {
    throw shapeMismatch('recurrentWeightGrad', proj.shape, wh.shape, 'proj must be [rows, G·hidden] for Wh [G·hidden, hidden]');
  }
  return recurrentWeightGradOp([proj, wh], { states }) as Tensor;
}

/** gates [batch, G·hidden] and state [batch, hidden] must agree. */
export function checkGates(op: string, gates: Tensor, state: Tensor, g: number): void {
  if (gates.rank !== 2 || state.rank !== 2 || gates.shape[0] !== state.shape[0] || gates.shape[1] !== g * state.shape[1]!) {
    throw shapeMismatch(op, gates.shape, state.shape, `gates must be [batch, ${g}·hidden] for a state [batch, hidden]`);
  }
}

/** σ on the i, f, o gates and tanh on g of pre-activations [batch, 4·hidden].
 *  @example lstmGates(add(matmulT(x, wx), matmulT(h, wh))) */
export function lstmGates(pre: Tensor): Tensor {
  if (pre.rank !== 2 || pre.shape[1]! % 4 !== 0) throw new LowbitError(`lstmGates: pre-activations must be [batch, 4·hidden], got [${pre.shape}]`);
  return lstmGatesOp([pre], undefined) as Tensor;
}
/** The cell state c = f⊙cPrev + i⊙g. @example const c = lstmCellState(gates, cPrev) */
export function lstmCellState(gates: Tensor, cPrev: Tensor): Tensor {
  checkGates('lstmCellState', gates, cPrev, 4);
  return lstmCellStateOp([gates, cPrev], undefined) as Tensor;
}
/** The output h = o⊙tanh(c). @example const h = lstmHidden(gates, c) */
export function lstmHidden(gates: Tensor, c: Tensor): Tensor {
  checkGates('lstmHidden', gates, c, 4);
  return lstmHiddenOp([gates, c], undefined) as Tensor;
}
