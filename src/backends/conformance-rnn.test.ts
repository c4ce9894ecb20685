import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkKernel } from './conformance.js';
import type { HostKernels, KernelName, Kernels } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';
import { opaque } from './registry.js';

// The recurrent kernels' checks can fail: each backend here is the reference with one plausible
// mistake, and the check of that kernel must reject it.

const broken = (changes: Partial<HostKernels>): Kernels => opaque({ ...ref, ...changes });

const mistakes: [string, KernelName, Kernels][] = [
  ['embeddingScatterAdd: a repeated id keeps only its last row', 'embeddingScatterAdd', broken({
    embeddingScatterAdd: (dy, ids, dtable, n, dim) => {
      for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) dtable[ids[r]! * dim + j] = dy[r * dim + j]!;
    },
  })],
  ['lstmGates: σ on the g gate too', 'lstmGates', broken({
    lstmGates: (pre, out) => ref.sigmoid(pre, out),
  })],
  ['gruGatesBackward: no gradient through r into the state projection', 'gruGatesBackward', broken({
    gruGatesBackward: (dy, g, hp, dxp, dhp, batch, hidden) => {
      ref.gruGatesBackward(dy, g, hp, dxp, dhp, batch, hidden);
      for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) dhp[b * 3 * hidden + 2 * hidden + j] = 0;
    },
  })],
  ['clipToNorm: scales small gradients up to the norm too', 'clipToNorm', broken({
    clipToNorm: (x, sum, maxNorm) => { const scale = maxNorm / Math.sqrt(sum[0]!); for (let i = 0; i < x.length; i++) x[i] = x[i]! * scale; },
  })],
  ['sumSquares: overwrites the sum instead of adding to it', 'sumSquares', broken({
    sumSquares: (x, sum) => { sum[0] = 0; ref.sumSquares(x, sum); },
  })],
];

for (const [what, kernel, backend] of mistakes) {
  test(`conformance catches ${what}`, () => assert.rejects(checkKernel(backend, kernel)));
}
