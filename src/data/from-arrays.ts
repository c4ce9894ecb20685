import { DataError } from './data-error.js';
import type { Dataset } from './dataset.js';

/** A labelled data set from arrays of one's own: `images` holds count × product(shape) bytes,
 *  sample after sample (NHWC, as the files store them), `labels` one class per sample. Checked:
 *  lengths must agree and labels be integers >= 0. The arrays are used as they are, not copied.
 *  @example datasetFromArrays('digits', parseIdx(imageBytes, f).data, labels, [28, 28, 1]) */
export function datasetFromArrays(name: string, images: Uint8Array, labels: ArrayLike<number>, shape: number[]): Dataset {
  if (!shape.length || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new DataError(`data: ${name}: shape [${shape.join(',')}] must be positive integers, e.g. [28, 28, 1]`);
  }
  const features = shape.reduce((n, d) => n * d, 1);
  const count = labels.length;
  if (images.length !== count * features) {
    throw new DataError(`data: ${name}: ${count} labels need ${count} × ${features} = ${count * features} image bytes `
      + `(shape [${shape.join(',')}]), got ${images.length}`);
  }
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label > 0x7fffffff) throw new DataError(`data: ${name}: label ${label} at index ${i} is not a class index (an integer >= 0)`);
    y[i] = label;
  }
  return { name, images, labels: y, count, features, shape: [...shape] };
}
