import { noGrad } from '../autograd/grad-mode.js';
import { batches, type PixelScale } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';

/** Index of the largest score per row (the first, on ties), read back from the backend.
 *  @example await argmaxRows(model.forward(x)) */
export async function argmaxRows(scores: Tensor): Promise<Int32Array> {
  const [rows, classes] = scores.shape as [number, number];
  const out = Tensor.empty([rows], 'int32', scores.backend);
  scores.backend.argmaxRows(scores.storage, rows, classes, out.storage);
  return out.data();
}

/** Classification error (fraction wrong) of the model in eval mode; restores its mode after.
 *  The errors are counted on the backend and read once. */
export async function classificationError(model: Module, ds: Dataset, scale: PixelScale, batchSize = 1000): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  const wrong = Tensor.empty([1], 'int32');
  noGrad(() => {
    for (const b of batches(ds, { batchSize, scale })) {
      const scores = model.forward(b.x), [n, classes] = scores.shape as [number, number];
      wrong.backend.countErrors(scores.storage, new Tensor(b.labels, [n], 'int32', wrong.backend).storage, n, classes, wrong.storage);
    }
  });
  if (wasTraining) model.train();
  const count = (await wrong.data())[0]!;
  return ds.count === 0 ? 0 : count / ds.count;
}
