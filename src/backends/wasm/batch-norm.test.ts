import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

/** [rows, channels]: split across threads (at least 2^15 elements) with ragged channel runs (33:
 *  runs of 32, 1; 130: 32 four times, 2; an odd count), and small ones that stay on one thread. */
const SHAPES: [number, number][] = [[1029, 33], [300, 130], [65, 517], [3, 3], [100, 64], [1, 1]];

function floats(seed: number, length: number, scale: number, offset: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 * 2 - 1) * scale + offset);
}

test('wasm batchNormTrain and batchNormBackward equal the reference bit for bit, 1 and 2 threads', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [i, [rows, ch]] of SHAPES.entries()) {
      const seed = 4100 + i, n = rows * ch, where = `seed ${seed} rows=${rows} ch=${ch} threads=${threads}`;
      const x = floats(seed, n, 3, 1), gamma = floats(seed + 1, ch, 1, 0), beta = floats(seed + 2, ch, 1, 0);
      const want = [new Float32Array(n), new Float32Array(n), new Float32Array(ch), new Float32Array(ch)] as const;
      const got = [new Float32Array(n).fill(7), new Float32Array(n).fill(7), new Float32Array(ch).fill(7), new Float32Array(ch).fill(7)] as const;
      ref.batchNormTrain(x, rows, ch, gamma, beta, 1e-4, ...want);
      wasm.batchNormTrain(x, rows, ch, gamma, beta, 1e-4, ...got);
      for (const [j, what] of ['y', 'xhat', 'mean', 'invStd'].entries()) assert.deepEqual(got[j], want[j], `batchNormTrain ${what} ${where}`);
      const dy = floats(seed + 3, n, 1, 0), xhat = want[1], invStd = want[3];
      const wantB = [new Float32Array(n), new Float32Array(ch), new Float32Array(ch)] as const;
      const gotB = [new Float32Array(n).fill(7), new Float32Array(ch).fill(7), new Float32Array(ch).fill(7)] as const;
      ref.batchNormBackward(dy, xhat, rows, ch, gamma, invStd, ...wantB);
      wasm.batchNormBackward(dy, xhat, rows, ch, gamma, invStd, ...gotB);
      for (const [j, what] of ['dx', 'dgamma', 'dbeta'].entries()) assert.deepEqual(gotB[j], wantB[j], `batchNormBackward ${what} ${where}`);
    }
  }
});

test('wasm batchNormTrainHardtanh and batchNormHardtanhBackward equal the reference and the unfused kernels (batchNormTrain, clamp; passInside, batchNormBackward) bit for bit, 1 and 2 threads', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [i, [rows, ch]] of SHAPES.entries()) {
      const seed = 4200 + i, n = rows * ch, where = `seed ${seed} rows=${rows} ch=${ch} threads=${threads}`;
      // γ, β up to ±2: outputs beyond the clamp on both sides; -0 and exact 1s among x (no NaN:
      // it would make its channel all NaN, which deepEqual never finds equal)
      const x = floats(seed, n, 3, 1), gamma = floats(seed + 1, ch, 2, 0), beta = floats(seed + 2, ch, 2, 0);
      for (let j = 0; j < n; j += 17) x[j] = j % 2 === 0 ? -0 : 1;
      const fresh = (length: number): Float32Array => new Float32Array(length).fill(7);
      const want = [fresh(n), fresh(n), fresh(n), fresh(ch), fresh(ch)] as const; // y, out, xhat, mean, invStd
      ref.batchNormTrainHardtanh(x, rows, ch, gamma, beta, 1e-4, ...want);
      const got = [fresh(n), fresh(n), fresh(n), fresh(ch), fresh(ch)] as const;
      wasm.batchNormTrainHardtanh(x, rows, ch, gamma, beta, 1e-4, ...got);
      const unfused = [fresh(n), fresh(n), fresh(n), fresh(ch), fresh(ch)] as const;
      wasm.batchNormTrain(x, rows, ch, gamma, beta, 1e-4, unfused[0], unfused[2], unfused[3], unfused[4]);
      wasm.clamp(unfused[0], unfused[1], -1, 1);
      for (const [j, what] of ['y', 'out', 'xhat', 'mean', 'invStd'].entries()) {
        assert.deepEqual(got[j], want[j], `batchNormTrainHardtanh ${what} ${where}`);
        assert.deepEqual(got[j], unfused[j], `batchNormTrainHardtanh ${what} against batchNormTrain, clamp ${where}`);
      }
      // y with exact ±1 (inside) and values beyond; -0 among dout
      const y = floats(seed + 3, n, 2, 0), dout = floats(seed + 4, n, 1, 0), xhat = floats(seed + 5, n, 2, 0);
      for (let j = 0; j < n; j += 11) y[j] = j % 2 === 0 ? 1 : -1;
      for (let j = 3; j < n; j += 23) dout[j] = -0;
      const invStd = floats(seed + 6, ch, 0.5, 1);
      const wantB = [fresh(n), fresh(ch), fresh(ch)] as const, gotB = [fresh(n), fresh(ch), fresh(ch)] as const;
      ref.batchNormHardtanhBackward(dout, y, xhat, rows, ch, gamma, invStd, ...wantB);
      wasm.batchNormHardtanhBackward(dout, y, xhat, rows, ch, gamma, invStd, ...gotB);
      const masked = fresh(n), unfusedB = [fresh(n), fresh(ch), fresh(ch)] as const;
      wasm.passInside(dout, y, masked, -1, 1);
      wasm.batchNormBackward(masked, xhat, rows, ch, gamma, invStd, ...unfusedB);
      for (const [j, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
        assert.deepEqual(gotB[j], wantB[j], `batchNormHardtanhBackward ${what} ${where}`);
        assert.deepEqual(gotB[j], unfusedB[j], `batchNormHardtanhBackward ${what} against passInside, batchNormBackward ${where}`);
      }
    }
  }
});
