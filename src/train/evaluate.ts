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

/** Images per forward pass in a step scope: a conv net's eval holds about 1.5 MB of activations
 *  an image, so 100 keep the scope's region near a training step's size. */
const SCOPED_BATCH = 100;

/** Classification error (fraction wrong) of the model in eval mode; restores its mode after.
 *  The errors are counted on the backend and read once. Where the backend has a step scope
 *  (wasm), each batch runs in one: its activations live where the kernels read them, in memory
 *  reused by the next batch (the count is the same at any batch size: eval mode treats images
 *  independently). */
export async function classificationError(model: Module, ds: Dataset, scale: PixelScale, batchSize?: number): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  const wrong = Tensor.empty([1], 'int32'), k = wrong.backend;
  noGrad(() => {
    for (const b of batches(ds, { batchSize: batchSize ?? (k.stepScope ? SCOPED_BATCH : 1000), scale })) {
      const count = (): void => {
        const scores = model.forward(b.x), [n, classes] = scores.shape as [number, number];
        k.countErrors(scores.storage, new Tensor(b.labels, [n], 'int32', k).storage, n, classes, wrong.storage);
      };
      if (k.stepScope) k.stepScope(count); else count();
    }
  });
  if (wasTraining) model.train();
  const count = (await wrong.data())[0]!;
  return ds.count === 0 ? 0 : count / ds.count;
}
