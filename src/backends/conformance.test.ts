import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkKernel } from './conformance.js';
import { makeDeferredBackend } from './deferred/deferred-backend.js';
import type { HostKernels, KernelName, Kernels } from './kernels.js';
import { roundHalfAway } from './ap2.js';
import { referenceKernels as ref } from './reference/index.js';
import { opaque } from './registry.js';

// The checks can fail: each backend here is the reference with one plausible mistake, and the
// check of that kernel must reject it.

const broken = (changes: Partial<HostKernels>): Kernels => opaque({ ...ref, ...changes });

/** gradQuantLog with log2 rounded to float32 first, as a float32 device would compute it. */
const gradQuantLogFloat32: HostKernels['gradQuantLog'] = (g, bits, out, scale) => {
  ref.gradQuantLog(g, bits, out, scale);
  const [eMin, eMax] = [scale[0]!, scale[1]!];
  for (let i = 0; i < g.length; i++) {
    if (g[i] === 0) continue;
    const e = roundHalfAway(Math.fround(Math.log2(Math.abs(g[i]!))));
    out[i] = e < eMin ? 0 : Math.sign(g[i]!) * 2 ** Math.min(e, eMax);
  }
};

const mistakes: [string, KernelName, Kernels][] = [
  ['argmaxRows: the last maximum wins a tie', 'argmaxRows', broken({
    argmaxRows: (x, rows, classes, out) => {
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (x[r * classes + c]! >= x[r * classes + best]!) best = c;
        out[r] = best;
      }
    },
  })],
  ['countErrors: overwrites the count instead of adding to it', 'countErrors', broken({
    countErrors: (scores, labels, rows, classes, count) => { count[0] = 0; ref.countErrors(scores, labels, rows, classes, count); },
  })],
  ['gradQuantLog: float32 log2 misrounds at half exponents', 'gradQuantLog', broken({ gradQuantLog: gradQuantLogFloat32 })],
  ['gradQuantLog: NaN quantized to 0 instead of an error', 'gradQuantLog', broken({
    gradQuantLog: (g, bits, out, scale) => ref.gradQuantLog(g.map((v) => (Number.isFinite(v) ? v : 0)), bits, out, scale),
  })],
  ['shiftAdaMaxStep: ignores torch', 'shiftAdaMaxStep', broken({
    shiftAdaMaxStep: (p, g, m, v, step, b1, b2, eps, _torch, clip) => ref.shiftAdaMaxStep(p, g, m, v, step, b1, b2, eps, false, clip),
  })],
  ['squaredHinge: the loss is not written', 'squaredHinge', broken({
    squaredHinge: (y, labels, rows, classes, grad) => ref.squaredHinge(y, labels, rows, classes, grad, new Float32Array(1)),
  })],
  ['transpose: wrong past 1000 elements', 'transpose', broken({
    transpose: (x, rows, cols, out) => { ref.transpose(x, rows, cols, out); if (out.length > 1000) out[1000] = 0; },
  })],
  ['reduceSum: ignores scale', 'reduceSum', broken({ reduceSum: (x, shape, keep, out) => ref.reduceSum(x, shape, keep, out) })],
  // what the checks would see if they looked at numbers right after a call, as they did when
  // every backend was synchronous
  ['read: takes the values before the queued kernels ran', 'sign', {
    ...makeDeferredBackend(), read: (buf) => Promise.resolve((buf as unknown as Float32Array).slice() as never),
  }],
  ['batchNormHardtanhBackward: the gradient cancelled at y = ±1 too (|y| < 1, not <= 1)', 'batchNormHardtanhBackward', broken({
    batchNormHardtanhBackward: (dout, y, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta) => {
      const dy = dout.map((d, i) => (Math.abs(y[i]!) < 1 ? d : 0));
      ref.batchNormBackward(dy, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta);
    },
  })],
  ['batchNormTrainHardtanh: out left unclamped', 'batchNormTrainHardtanh', broken({
    batchNormTrainHardtanh: (x, rows, ch, gamma, beta, eps, y, out, xhat, mean, invStd) => {
      ref.batchNormTrain(x, rows, ch, gamma, beta, eps, y, xhat, mean, invStd);
      out.set(y.subarray(0, rows * ch));
    },
  })],
];

for (const [what, kernel, backend] of mistakes) {
  test(`conformance catches ${what}`, async () => {
    await assert.rejects(checkKernel(backend, kernel), assert.AssertionError);
  });
}

test('conformance passes the reference itself (the mistakes above are what fails)', async () => {
  for (const [, kernel] of mistakes) await checkKernel(opaque(ref), kernel);
});
