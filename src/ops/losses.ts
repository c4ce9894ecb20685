import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor, f32 } from '../tensor/tensor.js';

type LossKind = 'softmaxCrossEntropy' | 'squaredHinge';

/** A mean loss of [rows, classes] scores against integer labels (a [rows] int32 tensor); the
 *  gradient comes from the same kernel call, so forward saves it. */
const lossOp = defineOp<{ kind: LossKind }>({
  name: 'loss',
  forward: ({ kernels, attrs, saved, empty }, [y, labels]) => {
    if (y!.rank !== 2) throw new LowbitError(`${attrs.kind}: scores must be [rows, classes], got [${y!.shape}]`);
    const [rows, classes] = y!.shape as [number, number];
    if (labels!.dtype !== 'int32') throw new LowbitError(`${attrs.kind}: labels must be int32, got ${labels!.dtype}`);
    if (labels!.size !== rows) throw new LowbitError(`${attrs.kind}: ${rows} rows of scores but ${labels!.size} labels`);
    const grad = empty(y!.shape), loss = empty([1]);
    kernels[attrs.kind](f32(y!), labels!.storage as Tensor<'int32'>['storage'], rows, classes, grad.storage, loss.storage);
    saved.grad = grad;
    return loss;
  },
  // dx = grad·dy, dy a scalar broadcast over the scores
  backward: ({ kernels, saved, empty }, dy, [y]) => {
    const g = saved.grad as Tensor, dx = empty(y!.shape), [rows, classes] = y!.shape as [number, number];
    kernels.broadcastBinary('mul', g.storage, [classes, 1], dy.storage, [0, 0], dx.storage, [rows, classes]);
    return [dx, null];
  },
});

/** Labels as an int32 tensor on the active backend, each checked against the class count where
 *  they come from the host; a label tensor is taken as checked (a data set's labels are). */
function labelTensor(labels: Int32Array | Tensor<'int32'>, classes: number, what: LossKind): Tensor<'int32'> {
  if (!(labels instanceof Int32Array)) return labels;
  for (const l of labels) if (!(l >= 0 && l < classes)) throw new LowbitError(`${what}: label ${l} is outside 0..${classes - 1}`);
  return new Tensor(labels, [labels.length], 'int32');
}

/** Mean softmax cross-entropy. @example softmaxCrossEntropy(logits, labels) */
export const softmaxCrossEntropy = (logits: Tensor, labels: Int32Array | Tensor<'int32'>): Tensor =>
  lossOp([logits, labelTensor(labels, logits.shape[1] ?? 0, 'softmaxCrossEntropy')], { kind: 'softmaxCrossEntropy' }) as Tensor;
/** Mean squared hinge (L2-SVM) with ±1 one-hot targets, QNN-SPEC §4.5. */
export const squaredHinge = (scores: Tensor, labels: Int32Array | Tensor<'int32'>): Tensor =>
  lossOp([scores, labelTensor(labels, scores.shape[1] ?? 0, 'squaredHinge')], { kind: 'squaredHinge' }) as Tensor;
