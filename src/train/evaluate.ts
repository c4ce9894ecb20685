import { noGrad } from '../autograd/grad-mode.js';
import { batches, type PixelScale } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

/** Index of the largest score per row. */
export function argmaxRows(scores: Tensor): Int32Array {
  const [rows, classes] = scores.shape as [number, number];
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores.data[r * classes + c]! > scores.data[r * classes + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Classification error (fraction wrong) of the model in eval mode; restores its mode after. */
export function classificationError(model: Module, ds: Dataset, scale: PixelScale, batchSize = 1000): number {
  const wasTraining = model.training;
  model.eval();
  let wrong = 0;
  noGrad(() => {
    for (const b of batches(ds, { batchSize, scale })) {
      const pred = argmaxRows(model.forward(b.x));
      for (let i = 0; i < pred.length; i++) if (pred[i] !== b.labels[i]) wrong++;
    }
  });
  if (wasTraining) model.train();
  return ds.count === 0 ? 0 : wrong / ds.count;
}
