/** The QNN method's knobs side by side on MNIST (QNN-SPEC §7.1, §7.4), in a reduced configuration
 *  that fits a 2-core CPU: 784-1024x3-10 on all 50k training images, 3 epochs per row, every
 *  row the same epochs, seed and data. Rows: weight/activation bits 1/1, 1/2, 2/2, 4/4, 32/32;
 *  vanilla vs shift-based BN; Adam vs shift AdaMax; float vs 6-bit logarithmic gradients.
 *  Reported: test error at the best-validation epoch (validation = the 10k held-out images) and
 *  seconds per training epoch (forward + backward + update; evaluation excluded).
 *  Writes experiments/results/mnist-bitwidths.{json,md}. The float vs 6-bit backward timing, side by
 *  side per step with per-kernel times, is bench/training-gradients.ts.
 *  Run: npx tsc -p . && flock /tmp/lowbit-cpu.lock node dist/experiments/bitwidths.js */
import { mkdir, writeFile } from 'node:fs/promises';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { runInfo } from '../src/train/run-info.js';
import { runRecipe, type Recipe } from '../src/train/experiment.js';

interface Row { label: string; bitsW: number; bitsA: number; bn: 'vanilla' | 'shift'; optimizer: 'adam' | 'shiftAdaMax'; gradientBits: 6 | 32 }

const base: Omit<Row, 'label'> = { bitsW: 1, bitsA: 1, bn: 'vanilla', optimizer: 'adam', gradientBits: 32 };
const rows: Row[] = [
  { ...base, label: 'W1/A1 (BNN)' },
  { ...base, label: 'W1/A2', bitsA: 2 },
  { ...base, label: 'W2/A2', bitsW: 2, bitsA: 2 },
  { ...base, label: 'W4/A4', bitsW: 4, bitsA: 4 },
  { ...base, label: 'W32/A32 (float twin)', bitsW: 32, bitsA: 32 },
  { ...base, label: 'W1/A1 + shift BN', bn: 'shift' },
  { ...base, label: 'W1/A1 + shift AdaMax', optimizer: 'shiftAdaMax' },
  { ...base, label: 'W1/A1 + shift BN + shift AdaMax (Torch7 recipe)', bn: 'shift', optimizer: 'shiftAdaMax' },
  { ...base, label: 'W1/A1 + 6-bit log gradients', gradientBits: 6 },
];

// 784-1024x3-10 on all 50k training images, 3 epochs a row: what 2 shared cores allow for nine rows
// (override with BITWIDTHS_WIDTH / BITWIDTHS_LIMIT / BITWIDTHS_EPOCHS; LIMIT 0 = all images)
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const EPOCHS = env('BITWIDTHS_EPOCHS', 3), LIMIT = env('BITWIDTHS_LIMIT', 0), WIDTH = env('BITWIDTHS_WIDTH', 1024), DEPTH = 3;

function recipe(r: Row): Recipe {
  const float = r.bitsW === 32 && r.bitsA === 32;
  return {
    experiment: 'mnist-bitwidths', dataset: 'mnist', ...(LIMIT ? { limit: LIMIT } : {}),
    model: { name: 'mnist-mlp', width: WIDTH, depth: DEPTH, seed: 1, float, ...(float ? {} : { bitsW: r.bitsW, bitsA: r.bitsA }), bn: r.bn, gradientBits: r.gradientBits },
    // Adam: the Theano recipe's 0.003 decayed 10x over the run (its 3e-7 end is for 1000 epochs);
    // shift AdaMax: Torch7's 2^-6 halved every epoch (its 20-epoch period scaled to a 3-epoch run)
    train: r.optimizer === 'adam'
      ? { epochs: EPOCHS, batchSize: 100, lr: 0.003, lrEnd: 0.0003, seed: 1, loss: 'squaredHinge', scale: 'symmetric', optimizer: 'adam' }
      : { epochs: EPOCHS, batchSize: 100, lr: 2 ** -6, lrEnd: 2 ** -8, seed: 1, loss: 'squaredHinge', scale: 'symmetric', optimizer: 'shiftAdaMax', lrHalveEvery: 1 },
  };
}

const backend = (await initDefaultBackend()).name;
const results = [];
for (const r of rows) {
  const res = await runRecipe(recipe(r), { backend });
  const secondsPerEpoch = res.history.reduce((s, h) => s + h.seconds, 0) / res.history.length;
  results.push({ ...r, bestEpoch: res.bestEpoch, bestValError: res.bestValError, testError: res.testError, secondsPerEpoch, history: res.history });
  process.stderr.write(`${r.label}: test error ${(100 * res.testError).toFixed(2)}% (best val epoch ${res.bestEpoch}), ${secondsPerEpoch.toFixed(1)} s/epoch\n`);
}

const info = { ...runInfo(), backend };
const setup = `784-${WIDTH}x${DEPTH}-10 MLP, ${LIMIT ? `first ${LIMIT}` : 'all 50000'} MNIST training images, ${EPOCHS} epochs per row, batch 100, squared hinge, seed 1; `
  + 'a reduced configuration for a 2-core CPU budget, not the paper\'s (784-2048x3-10 or 4096x3, 50k images, hundreds of epochs): '
  + 'errors here compare settings with each other, after far fewer epochs than the paper\'s.';
await mkdir('experiments/results', { recursive: true });
await writeFile('experiments/results/mnist-bitwidths.json', JSON.stringify({ ...info, setup, rows: results }, null, 2) + '\n');
const md = [
  '# MNIST: bit widths, shift-based BN and AdaMax, quantized gradients', '',
  `${setup}`, '', `Machine: ${info.machine}; backend ${backend}; node ${info.node}; commit ${info.commit}; ${info.date}.`, '',
  '| setting | W bits | A bits | BN | optimizer | gradients | test error (best-val epoch) | s / epoch |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.label} | ${r.bitsW} | ${r.bitsA} | ${r.bn} | ${r.optimizer} | ${r.gradientBits === 6 ? '6-bit log' : 'float'} | ${(100 * r.testError).toFixed(2)} % (${r.bestEpoch}) | ${r.secondsPerEpoch.toFixed(1)} |`),
  '', 'Generated by `experiments/bitwidths.ts`.', '',
].join('\n');
await writeFile('experiments/results/mnist-bitwidths.md', md);
