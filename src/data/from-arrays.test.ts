import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from './data-error.js';
import { datasetFromArrays } from './from-arrays.js';

test('datasetFromArrays: a checked Dataset over the given bytes; bad lengths and labels are DataErrors', () => {
  const images = new Uint8Array(2 * 6).map((_, i) => i);
  const ds = datasetFromArrays('tiny', images, [1, 0], [2, 3, 1]);
  assert.deepEqual([ds.count, ds.features, [...ds.labels], ds.shape], [2, 6, [1, 0], [2, 3, 1]]);
  assert.equal(ds.images, images);
  assert.throws(() => datasetFromArrays('tiny', images, [1, 0, 2], [2, 3, 1]), (e: unknown) => e instanceof DataError && /3 labels need 3 × 6 = 18 image bytes/.test(e.message));
  assert.throws(() => datasetFromArrays('tiny', images, [1, -1], [2, 3, 1]), /label -1 at index 1 is not a class index/);
  assert.throws(() => datasetFromArrays('tiny', images, [1, 0], [0, 6]), /shape \[0,6\] must be positive integers/);
});
