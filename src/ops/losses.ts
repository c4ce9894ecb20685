import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor } from '../tensor/tensor.js';

type LossKind = 'softmaxCrossEntropy' | 'squaredHinge';

/** A mean loss of [rows, classes] scores against integer labels; the gradient comes from the
 *  same kernel call, so forward saves it. */
const lossOp = defineOp<{ kind: LossKind; labels: Int32Array }>({
  name: 'loss',
  forward: ({ kernels, attrs, saved }, [y]) => {
    if (y!.rank !== 2) throw new LowbitError(`${attrs.kind}: scores must be [rows, classes], got [${y!.shape}]`);
    const [rows, classes] = y!.shape as [number, number];
    if (attrs.labels.length !== rows) throw new LowbitError(`${attrs.kind}: ${rows} rows of scores but ${attrs.labels.length} labels`);
    for (const l of attrs.labels) if (!(l >= 0 && l < classes)) throw new LowbitError(`${attrs.kind}: label ${l} is outside 0..${classes - 1}`);
    const grad = new Float32Array(y!.size);
    const value = kernels[attrs.kind](y!.data as Float32Array, attrs.labels, rows, classes, grad);
    saved.grad = grad;
    return new Tensor(new Float32Array([value]), [1]);
  },
  backward: ({ saved }, dy, [y]) => {
    const g = saved.grad as Float32Array, s = dy.data[0]!, dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i]! * s;
    return [new Tensor(dx, y!.shape)];
  },
});

/** Mean softmax cross-entropy. @example softmaxCrossEntropy(logits, labels) */
export const softmaxCrossEntropy = (logits: Tensor, labels: Int32Array): Tensor =>
  lossOp([logits], { kind: 'softmaxCrossEntropy', labels }) as Tensor;
/** Mean squared hinge (L2-SVM) with ±1 one-hot targets, QNN-SPEC §4.5. */
export const squaredHinge = (scores: Tensor, labels: Int32Array): Tensor =>
  lossOp([scores], { kind: 'squaredHinge', labels }) as Tensor;
