/** Language-model training speed: words/s of one training step (forward, softmax cross-entropy,
 *  backward, gradient clip, Adam) of the PTB LM (vocabulary 10,000, embedding 300 → LSTM 300 →
 *  dense 10,000, 35 steps, batch 20) on real PTB windows: lowbit on the wasm backend (2 threads:
 *  float, float with the embedding frozen, LSTM 4/4 bits; 1 thread: both float rows) against TensorFlow.js training the same
 *  float LM (`tf.layers.lstm`, wasm backend) side by side in one run. tfjs-wasm has no
 *  UnsortedSegmentSum, so it cannot train an embedding: its word vectors are looked up outside its
 *  graph (a frozen table, tf.gather before trainOnBatch, not timed) and its model is LSTM → dense.
 *  The like-with-like row of ours freezes the embedding (no gradient, not in Adam). tfjs's Adam
 *  has no global-norm clip; ours clips (two small kernels per parameter).
 *  Also times the output layer's three products and a gate product, float GEMM against the
 *  bit-plane route for k-bit operands. Writes bench/results/ptb-lstm-training.{json,md}. Run: npm run bench:ptb-lstm
 *  (which runs Node with --experimental-wasm-relaxed-simd, as the CLI does: the fused multiply-add build)
 *  (BENCH_LM_STEPS timed steps per system, default 5, after 2 warm-up steps; BENCH_LM_PROFILE=1
 *  prints per-kernel times instead). */
import { writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import { backward } from '../src/autograd/backward.js';
import { kernels, useBackend } from '../src/backends/registry.js';
import type { WasmKernels } from '../src/backends/wasm/index.js';
import '../src/backends/wasm/register.js';
import { batchify, windows, type StreamWindow } from '../src/data/ptb-batches.js';
import { loadPtb } from '../src/data/ptb.js';
import { ptbLm } from '../src/models/ptb-lm.js';
import { softmaxCrossEntropy } from '../src/ops/losses.js';
import { Adam } from '../src/optim/adam.js';
import { clipGradNorm } from '../src/train/lm-clip.js';
import { timeMajor } from '../src/train/lm-trainer.js';
import { Random } from '../src/tensor/random.js';
import { runInfo } from '../src/train/run-info.js';

const VOCAB = 10_000, HIDDEN = 300, STEPS = 35, BATCH = 20, WORDS = STEPS * BATCH, WARMUP = 2;
const TIMED = Number(process.env.BENCH_LM_STEPS ?? 5);

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }

const ptb = await loadPtb();
const stream = [...windows(batchify(ptb.train, BATCH), STEPS)].slice(0, WARMUP + TIMED);

/** Seconds of each timed training step of ours (the first WARMUP steps are not timed). */
function ours(opts: { bits: 32 | 4; frozenEmbedding: boolean }): number[] {
  const model = ptbLm({ vocabulary: VOCAB, hidden: HIDDEN, bitsW: opts.bits, bitsA: opts.bits, seed: 1 });
  if (opts.frozenEmbedding) model.embedding.weight.requiresGrad = false;
  model.useRandom(new Random(1));
  model.train();
  const params = model.parameters().filter((p) => p.requiresGrad), opt = new Adam(params, { lr: 0.002 });
  const times: number[] = [];
  stream.forEach((w: StreamWindow, i) => {
    const t = performance.now();
    const logits = model.logits(timeMajor(w.inputs, BATCH, STEPS), STEPS, BATCH);
    backward(softmaxCrossEntropy(logits, timeMajor(w.targets, BATCH, STEPS)));
    clipGradNorm(params, 5);
    opt.step();
    if (i >= WARMUP) times.push((performance.now() - t) / 1000); // the wasm backend is synchronous
  });
  return times;
}

/** The same for tfjs-wasm: word vectors from a frozen table gathered outside the graph. */
async function tfjs(): Promise<number[]> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm'); await tf.ready();
  const table = tf.randomUniform([VOCAB, HIDDEN], -0.1, 0.1);
  const m = tf.sequential();
  m.add(tf.layers.lstm({ units: HIDDEN, returnSequences: true, inputShape: [STEPS, HIDDEN] }));
  m.add(tf.layers.dense({ units: VOCAB }));
  m.compile({ optimizer: tf.train.adam(0.002), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
  const times: number[] = [];
  for (const [i, w] of stream.entries()) {
    const x = tf.gather(table, tf.tensor2d(w.inputs, [BATCH, STEPS], 'int32')); // [batch, steps, 300]
    const y = tf.oneHot(tf.tensor2d(w.targets, [BATCH, STEPS], 'int32'), VOCAB).toFloat();
    const t = performance.now();
    await m.trainOnBatch(x, y);
    if (i >= WARMUP) times.push((performance.now() - t) / 1000);
    x.dispose(); y.dispose();
  }
  m.dispose(); table.dispose();
  return times;
}

/** Median ms of f after 3 warm-up calls. */
function time(f: () => void, reps: number): number {
  for (let i = 0; i < 3; i++) f();
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); f(); xs.push(performance.now() - t); }
  return median(xs);
}

/** The step's products on the wasm kernels: the output layer's three (forward, dX, dW, as the
 *  matmul op calls the GEMM: transposes are its flags, nothing is materialized) and a recurrent
 *  gate product h·Whᵀ [20, 300]·[1200, 300]ᵀ as float GEMM against the bit-plane route for k-bit
 *  h and Wh (k ±1 planes each: value ∝ Σ_b 2^b·s_b; weights packed and prepared once per window,
 *  h's planes packed per step, k² plane products in one binary product, combinePlanes); the
 *  route's cost of making the planes from levels and of the float conversion is left out, so
 *  its times are a lower bound. Random operands: speed does not depend on the values. */
function products(k: WasmKernels): Record<string, number> {
  const rnd = (n: number) => { const r = new Random(n); return Float32Array.from({ length: n }, () => r.uniform() * 2 - 1); };
  const out: Record<string, number> = {};
  const x = rnd(WORDS * HIDDEN), w = rnd(VOCAB * HIDDEN), dy = rnd(WORDS * VOCAB), y = new Float32Array(WORDS * VOCAB);
  const dx = new Float32Array(WORDS * HIDDEN), dw = new Float32Array(VOCAB * HIDDEN), macs = WORDS * VOCAB * HIDDEN;
  for (const [name, f] of [['logits x·Wᵀ', () => k.gemm(x, w, y, WORDS, VOCAB, HIDDEN, false, true, false)],
    ['dX = dy·W', () => k.gemm(dy, w, dx, WORDS, HIDDEN, VOCAB, false, false, false)],
    ['dW = dyᵀ·x', () => k.gemm(dy, x, dw, VOCAB, HIDDEN, WORDS, true, false, false)]] as const) {
    const ms = time(f, 5);
    out[`output layer ${name} [${WORDS}·${HIDDEN}·${VOCAB}] ms`] = ms;
    out[`output layer ${name} GMAC/s`] = macs / ms / 1e6;
  }
  const G = 4 * HIDDEN, h = rnd(BATCH * HIDDEN), wh = rnd(G * HIDDEN), c = new Float32Array(BATCH * G);
  out[`gate product float GEMM [${BATCH}, ${HIDDEN}]·[${G}, ${HIDDEN}]ᵀ ms`] = time(() => k.gemm(h, wh, c, BATCH, G, HIDDEN, false, true, false), 41);
  for (const bits of [2, 3, 4]) {
    const words = Math.ceil(HIDDEN / 32), hp = rnd(bits * BATCH * HIDDEN), wp = rnd(bits * G * HIDDEN);
    const ah = new Uint32Array(bits * BATCH * words), bw = new Uint32Array(bits * G * words), ci = new Int32Array(bits * BATCH * bits * G), t = new Int32Array(BATCH * G);
    k.packRows(wp, bw, bits * G, HIDDEN);
    const prepared = k.prepareBinaryWeights(bw, bits * G, HIDDEN);
    out[`gate product bit-plane ${bits}/${bits} bits ms`] = time(() => {
      k.packRows(hp, ah, bits * BATCH, HIDDEN); k.binaryProduct(ah, prepared, ci, bits * BATCH); k.combinePlanes(ci, BATCH, bits, G, bits, t);
    }, 41);
    out[`gate product bit-plane ${bits}/${bits} bits, the binary product alone ms`] = time(() => k.binaryProduct(ah, prepared, ci, bits * BATCH), 41);
    k.freePrepared(prepared);
  }
  for (const [name, v] of Object.entries(out)) console.error(`${name.padEnd(70)} ${v.toFixed(3)}`);
  return out;
}

const rows: { system: string; threads: number; secondsPerStep: number[]; medianSeconds: number; wordsPerSec: number; epochMinutes: number }[] = [];
const add = (system: string, threads: number, times: number[]): void => {
  const s = median(times);
  rows.push({ system, threads, secondsPerStep: times, medianSeconds: s, wordsPerSec: WORDS / s, epochMinutes: ptb.train.length / (WORDS / s) / 60 });
  console.error(`${system.padEnd(52)} threads ${threads}  ${(WORDS / s).toFixed(0).padStart(7)} words/s  (${times.map((x) => x.toFixed(2)).join(' ')} s)`);
};

/** BENCH_LM_PROFILE=1: where a step's time goes. Every kernel of the backend timed (the wasm
 *  backend is synchronous: a call's time is its kernel's), ms per timed step by kernel (products
 *  by shape), for the float LM with the embedding frozen and trained; writes no results. */
function profile(k: WasmKernels): void {
  const kernelsOf = k as unknown as Record<string, unknown>, totals = new Map<string, [number, number]>();
  let on = false;
  for (const [name, f] of Object.entries(kernelsOf)) {
    if (typeof f !== 'function' || name === 'setThreads' || name === 'close') continue;
    kernelsOf[name] = (...a: unknown[]) => {
      const t = performance.now(), r = (f as (...x: unknown[]) => unknown).apply(k, a);
      if (on) {
        const key = name === 'gemm' ? `gemm [${a.slice(3, 6).join(', ')}]${a[6] ? ' transA' : ''}${a[7] ? ' transB' : ''}` : name;
        const e = totals.get(key) ?? [0, 0];
        e[0]++; e[1] += performance.now() - t;
        totals.set(key, e);
      }
      return r;
    };
  }
  for (const frozenEmbedding of [true, false]) {
    totals.clear(); on = true;
    const times = ours({ bits: 32, frozenEmbedding }); // the warm-up steps are counted too: divided by all steps
    on = false;
    console.log(`\nembedding ${frozenEmbedding ? 'frozen' : 'trained'}: steps ${times.map((x) => x.toFixed(2)).join(' ')} s, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    for (const [key, [calls, ms]] of [...totals].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25)) {
      console.log(`${key.padEnd(44)} ${String(calls / stream.length).padStart(5)} calls ${(ms / stream.length).toFixed(1).padStart(8)} ms per step`);
    }
  }
}

const load = os.loadavg();
await useBackend('wasm');
const k = kernels() as unknown as WasmKernels;
await k.setThreads(2);
if (process.env.BENCH_LM_PROFILE) { profile(k); process.exit(0); }
const productTimes = products(k);
add('lowbit wasm float LM, embedding trained', k.threads, ours({ bits: 32, frozenEmbedding: false }));
add('lowbit wasm float LM, embedding frozen', k.threads, ours({ bits: 32, frozenEmbedding: true }));
add('lowbit wasm LSTM 4/4 bits, embedding frozen', k.threads, ours({ bits: 4, frozenEmbedding: true }));
// one thread, as tfjs-wasm runs in Node: the like-with-like row per thread, and what each of two
// runs side by side gets (two one-thread runs train more words/s in all than one two-thread run)
await k.setThreads(1);
add('lowbit wasm float LM, embedding trained', k.threads, ours({ bits: 32, frozenEmbedding: false }));
add('lowbit wasm float LM, embedding frozen', k.threads, ours({ bits: 32, frozenEmbedding: true }));
await useBackend('reference');
add('tfjs-wasm float LM (tf.layers.lstm), embedding frozen', 1, await tfjs());

const tfjsRate = rows.at(-1)!.wordsPerSec, like = rows[1]!.wordsPerSec;
const result = {
  benchmark: 'ptb-lstm-training', model: `embedding ${HIDDEN} → LSTM ${HIDDEN} → dense ${VOCAB}`, steps: STEPS, batch: BATCH,
  warmupSteps: WARMUP, timedSteps: TIMED, ...runInfo(), wasmBuild: k.build, loadAverageBefore: load, loadAverageAfter: os.loadavg(), rows,
  floatFrozenOverTfjsWasm: like / tfjsRate, floatFrozenOneThreadOverTfjsWasm: rows[4]!.wordsPerSec / tfjsRate, products: productTimes,
};
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/ptb-lstm-training.json', JSON.stringify(result, null, 2) + '\n');
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const md = [`# PTB LM training speed: ${result.model}, ${STEPS} steps, batch ${BATCH}`, '',
  `${result.machine}; node ${result.node}; ours on ${k.build}; commit ${result.commit}; ${result.date}; load average before ${la(load)}, after ${la(result.loadAverageAfter)}`, '',
  `Median of ${TIMED} timed training steps after ${WARMUP} warm-up steps, real PTB training windows. A step: forward, softmax cross-entropy, backward, Adam`
  + ' (ours also clips the global gradient norm to 5). tfjs-wasm cannot train an embedding (no UnsortedSegmentSum): its word vectors are gathered'
  + ' from a frozen table outside its graph, untimed; the like-with-like row of ours freezes its embedding (no gradient, not in Adam).', '',
  '| system | threads | words/s | s/step (median) | epoch (min) |', '|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.system} | ${r.threads} | ${r.wordsPerSec.toFixed(0)} | ${r.medianSeconds.toFixed(3)} | ${r.epochMinutes.toFixed(1)} |`), '',
  `Float LM, embedding frozen, over tfjs-wasm: ${result.floatFrozenOverTfjsWasm.toFixed(1)}x (2 threads against its one); on one thread each: ${result.floatFrozenOneThreadOverTfjsWasm.toFixed(1)}x.`, '',
  '## Products (wasm, 2 threads, median ms)', '', 'The output layer\'s three products as the matmul op runs them, and one recurrent gate product as float GEMM against'
  + ' the bit-plane route for k-bit operands (a lower bound: making the planes and the float conversion not counted).', '',
  '| product | value |', '|---|---:|', ...Object.entries(productTimes).map(([n, v]) => `| ${n} | ${v.toFixed(3)} |`), ''].join('\n');
await writeFile('bench/results/ptb-lstm-training.md', md);
console.log(md);
process.exit(0); // worker threads of the wasm backend and tfjs handles
