// Where a packed conv net's inference time goes: each kernel call of PackedEngine.run timed on its
// own (the engine's kernels wrapped), medians over repeated runs, per call in run order. Kernels
// are timed in process CPU time, which a loaded machine does not stretch (on 1 thread: with
// workers it adds theirs), and in wall-clock time (what shows whether a kernel uses its threads,
// on an idle machine).
// Run: npx tsc -p tsconfig.json && node dist/bench/conv-inference-profile.js [cifar10-cnv|cifar10-binarynet] [threads] [batches, e.g. 1,100]
import { initDefaultBackend } from '../src/backends/default-backend.js';
import type { Kernels } from '../src/backends/kernels.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { cifar10BinaryNet, cifar10Cnv } from '../src/models/conv-nets.js';
import { Random } from '../src/tensor/random.js';

const net = process.argv[2] ?? 'cifar10-cnv', threads = Number(process.argv[3] ?? 1);
const batches = (process.argv[4] ?? '1,100').split(',').map(Number);
const k = await initDefaultBackend() as Kernels & { setThreads?(n: number): Promise<void> };
await k.setThreads?.(threads);
const model = (net === 'cifar10-cnv' ? cifar10Cnv({ seed: 1 }) : cifar10BinaryNet({ seed: 1 })).eval();
const engine = new PackedEngine(await compile(model, { scale: 'symmetric' }));
const calls: [string, number, number][] = [];
const timed = new Proxy(k, {
  get(target, key, receiver) {
    const v = Reflect.get(target, key, receiver) as unknown;
    if (typeof v !== 'function') return v;
    return (...args: unknown[]) => {
      const w = performance.now(), t = process.cpuUsage(), r = (v as (...a: unknown[]) => unknown).apply(target, args), d = process.cpuUsage(t);
      calls.push([String(key), (d.user + d.system) / 1000, performance.now() - w]);
      return r;
    };
  },
});
(engine as unknown as { kernels: Kernels }).kernels = timed;

for (const batch of batches) {
  const rng = new Random(1), pixels = new Uint8Array(batch * 3072).map(() => rng.int(256));
  const runs: [string, number, number][][] = [], totals: number[] = [], cpu: number[] = [];
  for (let r = 0; r < (batch === 1 ? 300 : 8); r++) {
    calls.length = 0;
    const t = performance.now(), used = process.cpuUsage();
    await engine.run(pixels, batch);
    totals.push(performance.now() - t);
    const { user, system } = process.cpuUsage(used);
    cpu.push((user + system) / 1000);
    if (r > 2) runs.push(calls.slice());
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`\n${net}, batch ${batch}, ${threads} thread(s): run median ${(1000 * median(totals)).toFixed(0)} µs, `
    + `process CPU time median ${(1000 * median(cpu)).toFixed(0)} µs (all threads; a loaded machine stretches the first only)`);
  let sum = 0, sumWall = 0;
  for (let i = 0; i < runs[0]!.length; i++) {
    const times = runs.map((c) => c[i]![1]), us = 1000 * median(times), least = 1000 * Math.min(...times);
    const wall = 1000 * median(runs.map((c) => c[i]![2]));
    sum += us; sumWall += wall;
    console.log(`${String(i).padStart(3)} ${runs[0]![i]![0].padEnd(22)} ${us.toFixed(1).padStart(9)} µs median ${least.toFixed(1).padStart(9)} µs least (CPU)  ${wall.toFixed(1).padStart(9)} µs median wall`);
  }
  console.log(`    sum of kernel medians ${sum.toFixed(0)} µs CPU time, ${sumWall.toFixed(0)} µs wall`);
}
engine.dispose();
process.exit(0);
