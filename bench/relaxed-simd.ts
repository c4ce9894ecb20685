// The relaxed-SIMD builds against the plain ones, side by side: the packed engine's first-layer
// kernel (pixelSignGemmNibbles, 784 → 2048) and the whole 784-2048x3-10 forward, batch 1 and 100,
// and the float GEMM at a language model's output-layer shape (700 × 300 · 300 × 10,000), one thread. Node 20 compiles relaxed SIMD only behind --experimental-wasm-relaxed-simd, so both
// sides run in child processes with that flag, the plain side with LOWBIT_RELAXED_SIMD=0; rounds
// alternate between them. (Chrome 114+ and Node 22+ load the relaxed builds by default.)
// Writes bench/results/relaxed-simd.json and .md. Run: npm run build && node dist/bench/relaxed-simd.js
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInfo } from '../src/train/run-info.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // runs as dist/bench/relaxed-simd.js
const ROUNDS = 5;

interface Sample { build: string; kernel1Us: number; kernel100Us: number; forward1Us: number; forward100Us: number; gemmUs: number }

if (process.argv[2] === 'child') {
  // one side: time the kernel and the engine with whichever build this process loads
  const { loadWasmKernels } = await import('../src/backends/wasm/index.js');
  const { setKernels } = await import('../src/backends/registry.js');
  const { compile } = await import('../src/deploy/compile.js');
  const { PackedEngine } = await import('../src/deploy/engine.js');
  const { mnistMlp } = await import('../src/models/mnist-mlp.js');
  const { Random } = await import('../src/tensor/random.js');
  const { packSignNibbles, signNibbleWords } = await import('../src/backends/reference/pixel-sign-nibbles.js');
  const k = await loadWasmKernels();
  setKernels(k);
  await k.setThreads(1);
  const median = async (fn: () => unknown, runs: number): Promise<number> => {
    await fn();
    const t: number[] = [];
    for (let i = 0; i < runs; i++) { const s = performance.now(); await fn(); t.push(performance.now() - s); }
    t.sort((a, b) => a - b);
    return t[runs >> 1]! * 1000;
  };
  const rng = new Random(1), n = 2048, kk = 784, words = Math.ceil(kk / 32);
  const s = new Uint32Array(n * words).map(() => rng.int(2 ** 32) >>> 0);
  for (let j = 0; j < n; j++) s[j * words + words - 1]! &= 2 ** (kk % 32) - 1;
  const t = k.alloc('u32', signNibbleWords(n, kk), true);
  packSignNibbles(s, n, kk, t);
  const x1 = new Uint8Array(kk).map(() => rng.int(256)), x100 = new Uint8Array(100 * kk).map(() => rng.int(256));
  const c = new Int32Array(100 * n);
  const gm = 700, gk = 300, gn = 10_000;
  const ga = new Float32Array(gm * gk).map(() => rng.uniform() - 0.5), gb = new Float32Array(gk * gn).map(() => rng.uniform() - 0.5);
  const gc = new Float32Array(gm * gn);
  const engine = new PackedEngine(await compile(mnistMlp({ width: 2048, depth: 3, seed: 1 }), { scale: 'symmetric' }));
  const sample: Sample = {
    build: k.build,
    kernel1Us: await median(() => k.pixelSignGemmNibbles!(x1, t, c, 1, n, kk), 2000),
    kernel100Us: await median(() => k.pixelSignGemmNibbles!(x100, t, c, 100, n, kk), 60),
    forward1Us: await median(() => engine.run(x1, 1), 2000),
    forward100Us: await median(() => engine.run(x100, 100), 60),
    gemmUs: await median(() => k.gemm(ga, gb, gc, gm, gn, gk, false, false, false), 9),
  };
  process.stdout.write(JSON.stringify(sample) + '\n');
  process.exit(0);
}

const samples: Record<'plain' | 'relaxed', Sample[]> = { plain: [], relaxed: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const side of ['plain', 'relaxed'] as const) {
    const out = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url), 'child'], {
      encoding: 'utf8', env: { ...process.env, LOWBIT_RELAXED_SIMD: side === 'plain' ? '0' : '1' },
    });
    if (out.status !== 0) throw new Error(`${side} child failed: ${out.stderr}`);
    samples[side].push(JSON.parse(out.stdout) as Sample);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const keys = ['kernel1Us', 'kernel100Us', 'forward1Us', 'forward100Us', 'gemmUs'] as const;
const summary = Object.fromEntries((['plain', 'relaxed'] as const).map((side) => [side, {
  build: samples[side][0]!.build, ...Object.fromEntries(keys.map((key) => [key, med(samples[side].map((x) => x[key]))])),
}])) as unknown as Record<'plain' | 'relaxed', Record<string, number | string>>;
const info = runInfo();
const labels: Record<typeof keys[number], string> = {
  kernel1Us: 'pixelSignGemmNibbles 784 → 2048, batch 1 (µs)', kernel100Us: 'the same, batch 100 (µs)',
  forward1Us: '784-2048x3-10 forward, batch 1 (µs)', forward100Us: 'the same, batch 100 (µs)',
  gemmUs: 'float GEMM 700 × 300 · 300 × 10,000 (µs)',
};
const md = [
  '# Relaxed-SIMD builds vs plain SIMD builds, wasm backend, 1 thread', '',
  `${info.machine}; node ${info.node} with --experimental-wasm-relaxed-simd on both sides; commit ${info.commit}; ${info.date}`, '',
  `| measurement | ${String(summary.plain.build)} | ${String(summary.relaxed.build)} | plain / relaxed |`, '|---|---:|---:|---:|',
  ...keys.map((key) => `| ${labels[key]} | ${(summary.plain[key] as number).toFixed(1)} | ${(summary.relaxed[key] as number).toFixed(1)} | ${((summary.plain[key] as number) / (summary.relaxed[key] as number)).toFixed(2)}x |`),
  '', `Medians over ${ROUNDS} alternating rounds of a child process per side (each child: median of 2000 batch-1, 60 batch-100 or 9 GEMM runs after a warm-up); load average ${loadavg()[0]!.toFixed(1)} at the end. `
    + 'The relaxed build differs in two places. The first-layer table lookups use i8x16.relaxed_swizzle: indices are always below 16, so the results are identical. '
    + 'The float GEMM fuses its multiply and add (f32x4.relaxed_madd): one rounding instead of two, so float products differ in the last bits; with ±1 operands (the binary nets\' first layer) they are identical.', '',
].join('\n');
writeFileSync(join(root, 'bench/results/relaxed-simd.json'), JSON.stringify({ ...info, rounds: ROUNDS, summary, samples }, null, 2) + '\n');
writeFileSync(join(root, 'bench/results/relaxed-simd.md'), md);
console.log(md);
