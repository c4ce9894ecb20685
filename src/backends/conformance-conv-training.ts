import { random, same, type Check } from './conformance-harness.js';
import type { KernelName } from './kernels.js';

// Conformance checks of the conv-training kernels: bit layouts, so exact.

/** Rows and columns around word boundaries (0, 1, 31, 32, 33, 65), and one matrix large enough
 *  to be split into many 32 × 32 blocks with ragged edges. */
const SIZES: [number, number][] = [[0, 5], [5, 0], [1, 1], [31, 33], [32, 32], [33, 31], [65, 1], [1, 65], [100, 70], [1029, 287]];

export const convTrainingChecks: Pick<Record<KernelName, Check>, 'transposeBits'> = {
  async transposeBits(h) {
    for (const [i, [rows, cols]] of SIZES.entries()) {
      // every bit random, the tail bits of x's rows too: they must not reach out
      const seed = 7100 + i, rng = random(seed), inWords = Math.ceil(cols / 32), outWords = Math.ceil(rows / 32);
      const x = Uint32Array.from({ length: rows * inWords }, () => (rng() * 2 ** 32) >>> 0);
      const { got, want } = await h.run([x, new Uint32Array(cols * outWords).fill(0xdeadbeef)], (k, x, out) => k.transposeBits(x, rows, cols, out));
      same(got[1], want[1], `transposeBits seed ${seed} rows=${rows} cols=${cols}`);
    }
  },
};
