import { datasetFromArrays } from '../src/data/from-arrays.js';
import { Random } from '../src/tensor/random.js';

/** Synthetic side × side × 3 images whose class (0..3) is the brightest quarter, seeded: a small
 *  image set the conv-training tests can learn from in a few steps. */
export function quarterImages(count: number, seed: number, side = 8) {
  const rng = new Random(seed), pixels = new Uint8Array(count * side * side * 3), labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = Math.floor(rng.uniform() * 4);
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) for (let c = 0; c < 3; c++) {
      const quarter = (y >= side / 2 ? 2 : 0) + (x >= side / 2 ? 1 : 0), bright = quarter === labels[i] ? 120 : 0;
      pixels[((i * side + y) * side + x) * 3 + c] = Math.min(255, bright + Math.floor(rng.uniform() * 136));
    }
  }
  return datasetFromArrays(`synthetic-${seed}`, pixels, labels, [side, side, 3]);
}
