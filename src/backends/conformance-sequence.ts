import { close, floats, random, type Check } from './conformance-harness.js';
import type { KernelName } from './kernels.js';

// Conformance checks of the sequence-training kernels. addAt is one float add per element: exact.

export const sequenceChecks: Pick<Record<KernelName, Check>, 'addAt'> = {
  async addAt(h) {
    // [src length, dst length, dstAt, n]: empty, the whole of dst, a range at each end and inside, vector-awkward sizes
    for (const [srcLength, dstLength, dstAt, n] of [[0, 5, 2, 0], [7, 7, 0, 7], [3, 10, 7, 3], [33, 100, 5, 33], [4099, 9000, 4000, 4099], [6, 9, 0, 5]] as const) {
      const seed = 5800 + dstLength + dstAt, rng = random(seed);
      const { got, want } = await h.run([floats(rng, srcLength, true), floats(rng, dstLength, true)], (k, src, dst) => k.addAt(src, dst, dstAt, n));
      close(got[1], want[1], 0, `addAt seed ${seed} [${srcLength}] → [${dstLength}] at ${dstAt}, n=${n}`);
      close(got[0], want[0], 0, `addAt leaves src alone, seed ${seed}`);
    }
  },
};
