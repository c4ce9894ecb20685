/** The GPU figures of the WebGPU backend in one run (GPU time is scarce): XNOR GEMM and our WGSL
 *  float GEMM at 4096³ and 8192³ (the XNOR products exact-checked on a sample), the MNIST MLP
 *  784-4096x3-10 forward at batch 10,000: the packed engine (deploy's, every step on WebGPU but the
 *  score epilogue) and the binary layers called directly (XNOR) against float (WGSL GEMM), and one
 *  BNN training step at batch 100, one cifar10-cnv training step at batch 100 (W1/A1, every conv
 *  kernel in WGSL); the PyTorch peers (fp32 GEMM with TF32 off, the same
 *  forward, the float-simulated BNN and cifar10-cnv steps) come from bench/webgpu_torch_peer.py in the same run
 *  when python3 has torch. `--small` shrinks every shape for a CPU rasterizer (SwiftShader).
 *  Usage: node dist/bench/webgpu.js [--small] [--out bench/results/webgpu-<card>.md] */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { backward } from '../src/autograd/backward.js';
import type { Kernels, OpaqueStorage } from '../src/backends/kernels.js';
import { setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { makeWebGpuBackend } from '../src/backends/webgpu/index.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { cifar10Cnv } from '../src/models/conv-nets.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { squaredHinge } from '../src/ops/losses.js';
import { Adam } from '../src/optim/adam.js';
import { Tensor } from '../src/tensor/tensor.js';
import { runInfo } from '../src/train/run-info.js';

const small = process.argv.includes('--small');
const outAt = process.argv.indexOf('--out'), out = outAt > 0 ? process.argv[outAt + 1] : undefined;
const SIZES = small ? [256, 512] : [4096, 8192];
const MLP = small ? { width: 256, batch: 500 } : { width: 4096, batch: 10_000 };
const REPS = small ? 2 : 5, TRAIN_STEPS = small ? 3 : 20, TRAIN_WIDTH = small ? 256 : 4096;
const CNV_BATCH = small ? 2 : 100, CNV_STEPS = small ? 1 : 10;

const gpu = await makeWebGpuBackend();
const lines: string[] = [];
const say = (s: string) => { lines.push(s); console.log(s); };

/** Median seconds of `work` (enqueued) once flushed, after one warm-up. */
async function time(work: () => void, reps = REPS): Promise<number> {
  work(); await gpu.flush();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) { const t = performance.now(); work(); await gpu.flush(); times.push((performance.now() - t) / 1000); }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
const rand = (n: number, seed: number) => { let s = seed; return Float32Array.from({ length: n }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1); };
const bits = (n: number, seed: number) => new Uint32Array(rand(n, seed).buffer);

say(`# WebGPU benchmark${small ? ' (--small)' : ''}`);
const info = runInfo();
say(`adapter: ${gpu.adapter} · ${info.machine} · node ${info.node} · commit ${info.commit} · ${info.date}`);
if (small) say('\n**A CPU rasterizer\'s numbers (SwiftShader, small shapes): a check that the script runs end to end, not GPU claims.**');

say('\n## GEMM (m = n = k)\n\n| size | XNOR T binary-MAC/s | exact (sample) | WGSL float TFLOP/s | binary/float per MAC |\n|---|---|---|---|---|');
const gemms: Record<string, number> = {};
for (const s of SIZES) {
  const words = Math.ceil(s / 32);
  const a = bits(s * words, 1), b = bits(s * words, 2);
  const [ga, gb, gc] = [gpu.fromArray(a), gpu.fromArray(b), gpu.alloc('i32', s * s)];
  const tx = await time(() => gpu.xnorGemm(ga, gb, gc, s, s, s));
  const c = await gpu.read(gc);
  let exact = 0;
  const sample = 64, one = new Int32Array(1);
  for (let t = 0; t < sample; t++) {
    const i = (t * 7919) % s, j = (t * 104729) % s;
    referenceKernels.xnorGemm(a.subarray(i * words, (i + 1) * words), b.subarray(j * words, (j + 1) * words), one, 1, 1, s);
    if (one[0] === c[i * s + j]) exact++;
  }
  [ga, gb, gc].forEach((x) => gpu.free(x));
  const [fa, fb, fc] = [gpu.fromArray(rand(s * s, 3)), gpu.fromArray(rand(s * s, 4)), gpu.alloc('f32', s * s)];
  const tf = await time(() => gpu.gemm(fa, fb, fc, s, s, s, false, true, false));
  [fa, fb, fc].forEach((x) => gpu.free(x));
  gemms[`xnor${s}`] = s ** 3 / tx / 1e12; gemms[`float${s}`] = (2 * s ** 3) / tf / 1e12;
  say(`| ${s} | ${gemms[`xnor${s}`]!.toPrecision(3)} | ${exact}/${sample} | ${gemms[`float${s}`]!.toPrecision(3)} | ${(tf / tx).toFixed(1)}x |`);
}

say(`\n## MNIST MLP forward 784-${MLP.width}x3-10, batch ${MLP.batch} \n`);
{
  const { width: w, batch: n } = MLP, dims = [784, w, w, w, 10];
  const x = gpu.fromArray(rand(n * 784, 5));
  const floatW = dims.slice(1).map((o, l) => gpu.fromArray(rand(o * dims[l]!, 10 + l)));
  const packedW = dims.slice(1).map((o, l) => gpu.fromArray(bits(o * Math.ceil(dims[l]! / 32), 20 + l)));
  const acts = dims.slice(1).map((o) => gpu.alloc('f32', n * o)), ints = dims.slice(1).map((o) => gpu.alloc('i32', n * o));
  const packed = dims.map((d) => gpu.alloc('u32', n * Math.ceil(d / 32)));
  const ones = dims.slice(1).map((o) => gpu.fromArray(new Float32Array(o).fill(1))), zeros = dims.slice(1).map((o) => gpu.alloc('f32', o));
  const bn = (l: number, t: OpaqueStorage['f32']) => gpu.batchNormEval(t, n, dims[l + 1]!, ones[l]!, zeros[l]!, zeros[l]!, ones[l]!, t);
  const floatNet = () => dims.slice(1).forEach((o, l) => {
    gpu.gemm(l === 0 ? x : acts[l - 1]!, floatW[l]!, acts[l]!, n, o, dims[l]!, false, true, false); bn(l, acts[l]!);
  });
  // binary: the 8-bit-ish first layer in float, then sign → pack → XNOR per hidden layer
  const binaryNet = () => dims.slice(1).forEach((o, l) => {
    if (l === 0) gpu.gemm(x, floatW[0]!, acts[0]!, n, o, 784, false, true, false);
    else { gpu.packRows(acts[l - 1]!, packed[l]!, n, dims[l]!); gpu.xnorGemm(packed[l]!, packedW[l]!, ints[l]!, n, o, dims[l]!); gpu.intToFloat(ints[l]!, acts[l]!); }
    bn(l, acts[l]!);
  });
  const tb = await time(binaryNet), tfl = await time(floatNet);
  // the packed engine as deployed: a random binary net compiled (bytes × ±1 first layer, XNOR
  // threshold-pack hidden layers); a run includes uploading the pixels and reading the scores
  setKernels(gpu);
  const engine = new PackedEngine(await compile(mnistMlp({ width: w, depth: 3, seed: 9 }).eval(), { scale: 'symmetric' }));
  const pixels = new Uint8Array(rand(n * 784, 7).buffer).subarray(0, n * 784);
  const runs: number[] = [];
  for (let r = 0; r <= REPS; r++) { const t = performance.now(); await engine.run(pixels, n); if (r > 0) runs.push((performance.now() - t) / 1000); }
  engine.dispose();
  setKernels(referenceKernels);
  const te = runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  gemms['mlpBinary'] = tb; gemms['mlpFloat'] = tfl; gemms['mlpPackedEngine'] = te;
  say(`| network | ms per batch | images/s |\n|---|---|---|\n| packed engine (binary, deploy's; pixels up, scores back) | ${(te * 1e3).toFixed(2)} | ${(n / te).toFixed(0)} |\n| binary (XNOR hidden layers, kernels called directly) | ${(tb * 1e3).toFixed(2)} | ${(n / tb).toFixed(0)} |\n| float (WGSL GEMM) | ${(tfl * 1e3).toFixed(2)} | ${(n / tfl).toFixed(0)} |\n\npacked engine / float speed-up: ${(tfl / te).toFixed(2)}x (the paper's 7x claim compares these two); binary kernels / float: ${(tfl / tb).toFixed(2)}x`);
}

say(`\n## BNN training step, 784-${TRAIN_WIDTH}x3-10, batch 100 (Adam, BN, squared hinge)\n`);
{
  setKernels(gpu);
  const model = mnistMlp({ width: TRAIN_WIDTH, depth: 3 }), opt = new Adam(model.parameters(), { lr: 0.003 });
  const x = new Tensor(rand(100 * 784, 6), [100, 784]), labels = Int32Array.from({ length: 100 }, (_, i) => i % 10);
  const step = await time(() => { backward(squaredHinge(model.forward(x), labels)); opt.step(); }, TRAIN_STEPS);
  setKernels(referenceKernels);
  gemms['trainStep'] = step;
  say(`lowbit on WebGPU: ${(step * 1e3).toFixed(1)} ms per step, ${(100 / step).toFixed(0)} images/s`);
}

say(`\n## cifar10-cnv training step, batch ${CNV_BATCH} (W1/A1, 32×32×3, Adam, BN, squared hinge)\n`);
{
  setKernels(gpu);
  const model = cifar10Cnv({ seed: 1 }), opt = new Adam(model.parameters(), { lr: 0.001 });
  const x = new Tensor(rand(CNV_BATCH * 3072, 8), [CNV_BATCH, 3072]), labels = Int32Array.from({ length: CNV_BATCH }, (_, i) => i % 10);
  const step = await time(() => { backward(squaredHinge(model.forward(x), labels)); opt.step(); }, CNV_STEPS);
  setKernels(referenceKernels);
  gemms['cnvTrainStep'] = step;
  say(`lowbit on WebGPU: ${(step * 1e3).toFixed(1)} ms per step, ${(CNV_BATCH / step).toPrecision(3)} images/s (the torch peer below)`);
}

say('\n## PyTorch peers (same card, same run)\n');
const sizes = [...SIZES.map(String), '--mlp', `${MLP.width},${MLP.batch}`, '--train-width', String(TRAIN_WIDTH), '--cnv-batch', String(CNV_BATCH)];
const peer = spawnSync('python3', ['bench/webgpu_torch_peer.py', ...sizes], { encoding: 'utf8' });
if (peer.error || peer.status !== 0) {
  say(`not run: ${peer.error ? `python3 could not start (${peer.error.message})` : (peer.stderr.trim().split('\n').pop() ?? `exit ${peer.status}`)}. `
    + 'On the GPU machine, python3 with torch gives: torch fp32 GEMM (TF32 off), the float MLP forward, and the float-simulated BNN and cifar10-cnv training steps.');
} else {
  say(peer.stdout.trim());
}

if (out) {
  await mkdir(new URL('.', `file://${process.cwd()}/${out}`), { recursive: true });
  await writeFile(out, `${lines.join('\n')}\n`);
  await writeFile(out.replace(/\.md$/, '.json'), `${JSON.stringify({ ...info, adapter: gpu.adapter, small, figures: gemms }, null, 2)}\n`);
}
process.exit(0); // Dawn's GPU object is held on globalThis for the backend's life
