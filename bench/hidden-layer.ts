// One hidden BNN layer of the packed engine (packed ±1 inputs → packed sign outputs), its three
// routes side by side in one run on this machine: XNOR-popcount product then thresholdPack (the
// engine's route before the bit-sliced kernels), xnorGemmSliced then thresholdPack (k-bit layers
// still take it), and xnorThresholdSliced (1-bit layers now). Weights, thresholds and scratch are
// resident in wasm memory as the engine holds them. The sliced kernels read only the input
// positions of the rarer bit value, so the inputs are drawn with 50 % ones (sign activations'
// usual balance) and with 25 %.
// Writes bench/results/hidden-layer.json and .md. Run: npm run build && node dist/bench/hidden-layer.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWasmKernels } from '../src/backends/wasm/index.js';
import { packSlices } from '../src/backends/reference/xnor-gemm-sliced.js';
import { packThresholdSlices } from '../src/backends/reference/xnor-threshold-sliced.js';
import { Random } from '../src/tensor/random.js';
import { runInfo } from '../src/train/run-info.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // runs as dist/bench/hidden-layer.js
const WIDTHS = [2048, 4096];
const BATCHES = [1, 100];
const THREADS = [1, 2];
const DENSITIES = [0.5, 0.25];
const ROUNDS = 15; // median of 15 timed blocks, each long enough (>= 20 ms) to time well
const ROUTES = ['xnorGemm + thresholdPack', 'xnorGemmSliced + thresholdPack', 'xnorThresholdSliced'] as const;

interface Row { width: number; batch: number; threads: number; density: number; usPerImage: Record<typeof ROUTES[number], number> }

const wasm = await loadWasmKernels();
/** A resident copy of values (wasm memory, read in place by the kernels). */
const resident = <T extends Uint32Array | Int32Array>(values: T): T => {
  const made = wasm.alloc(values instanceof Int32Array ? 'i32' : 'u32', values.length, true) as T;
  made.set(values);
  return made;
};

function packedRows(rng: Random, rows: number, k: number, density: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) for (let p = 0; p < k; p++) if (rng.uniform() < density) out[r * words + (p >>> 5)]! |= 1 << (p & 31);
  return out;
}

/** Median µs per image over ROUNDS blocks of repeated calls, after a warm-up. */
function time(run: () => void, batch: number): number {
  for (let i = 0; i < 20; i++) run();
  const t0 = performance.now();
  run();
  const reps = Math.max(1, Math.ceil(20 / Math.max(performance.now() - t0, 1e-3)));
  const blocks: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = performance.now();
    for (let i = 0; i < reps; i++) run();
    blocks.push((performance.now() - s) / reps);
  }
  blocks.sort((a, b) => a - b);
  return (blocks[ROUNDS >> 1]! * 1000) / batch;
}

const rows: Row[] = [];
for (const width of WIDTHS) {
  const n = width, k = width, rng = new Random(width);
  const b = packedRows(rng, n, k, 0.5);
  const weights = resident(b);
  const laid = packSlices(b, n, k), sliced = resident(laid);
  const limits = Int32Array.from({ length: n }, () => rng.int(61) - 30);
  const lim = resident(limits);
  const th = packThresholdSlices(sliced, lim, n, k), thr = resident(th);
  const flipBits = packedRows(rng, 1, n, 0.5), flip = resident(flipBits);
  for (const batch of BATCHES) for (const density of DENSITIES) {
    const inputs = packedRows(rng, batch, k, density), a = resident(inputs);
    const c = resident(new Int32Array(batch * n));
    const outWords = batch * Math.ceil(n / 32), out = resident(new Uint32Array(outWords));
    const runs: Record<typeof ROUTES[number], () => void> = {
      'xnorGemm + thresholdPack': () => { wasm.xnorGemm(a, weights, c, batch, n, k); wasm.thresholdPack!(c, batch, n, null, 1, lim, flip, out); },
      'xnorGemmSliced + thresholdPack': () => { wasm.xnorGemmSliced!(a, sliced, c, batch, n, k); wasm.thresholdPack!(c, batch, n, null, 1, lim, flip, out); },
      xnorThresholdSliced: () => wasm.xnorThresholdSliced!(a, sliced, thr, flip, out, batch, n, k),
    };
    // the three routes must agree before they are timed
    const outputs = ROUTES.map((route) => { out.fill(0); runs[route](); return out.slice(); });
    for (const o of outputs.slice(1)) if (o.some((v, i) => v !== outputs[0]![i])) throw new Error(`routes disagree at width ${width}, batch ${batch}`);
    for (const threads of THREADS) {
      await wasm.setThreads(threads);
      const usPerImage = Object.fromEntries(ROUTES.map((route) => [route, time(runs[route], batch)])) as Row['usPerImage'];
      const row = { width, batch, threads, density, usPerImage };
      rows.push(row);
      console.error(JSON.stringify(row));
    }
    for (const x of [a, c, out]) wasm.free(x);
  }
}
wasm.close();

const info = runInfo();
const f = (x: number) => x.toFixed(2);
const md = [
  '# One hidden BNN layer (n × n, packed in, packed signs out), wasm backend', '',
  `${info.machine}; node ${info.node}; commit ${info.commit}; ${info.date}`, '',
  `| layer | batch | threads | input ones | ${ROUTES.join(' µs/image | ')} µs/image | speed-up of xnorThresholdSliced |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.width}→${r.width} | ${r.batch} | ${r.threads} | ${r.density * 100} % | ${ROUTES.map((route) => f(r.usPerImage[route])).join(' | ')} | `
    + `${(r.usPerImage['xnorGemm + thresholdPack'] / r.usPerImage.xnorThresholdSliced).toFixed(2)}x |`),
  '', `Median of ${ROUNDS} timed blocks (each >= 20 ms of calls) after a warm-up; the three routes give the same bits (checked before timing). `
    + 'Weights, thresholds and scratch resident in wasm memory, as the packed engine holds them.', '',
].join('\n');
writeFileSync(join(root, 'bench/results/hidden-layer.json'), JSON.stringify({ ...info, rounds: ROUNDS, rows }, null, 2) + '\n');
writeFileSync(join(root, 'bench/results/hidden-layer.md'), md);
console.log(md);
process.exit(0);
