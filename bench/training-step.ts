/** One training step of the paper's MNIST BNN (784-2048x3-10, batch 100) on the wasm backend,
 *  split into forward+loss, backward and the Adam step, and the batch-1 binary product
 *  (1, 4096, 4096) with ordinary and with resident operands: what resident arrays
 *  (persistent storage, Kernels.alloc) save. Prints medians; run under `flock /tmp/lowbit-cpu.lock` on a shared
 *  machine. Run: npm run build && node dist/bench/training-step.js */
import { backward } from '../src/autograd/backward.js';
import { useBackend } from '../src/backends/registry.js';
import { loadWasmKernels } from '../src/backends/wasm/index.js';
import '../src/backends/wasm/register.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { squaredHinge } from '../src/ops/losses.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

const BATCH = 100, STEPS = Number(process.env['BENCH_STEPS'] ?? 15);

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }
const ms = (t: number) => t.toFixed(1).padStart(7);

await useBackend('wasm');
const model = mnistMlp({ width: 2048 });
const opt = new Adam(model.parameters(), { lr: 0.003 });
const rng = new Random(1);
const fwd: number[] = [], bwd: number[] = [], adam: number[] = [], total: number[] = [];
for (let i = 0; i < STEPS + 2; i++) {
  const x = new Tensor(new Float32Array(BATCH * 784).map(() => rng.uniform() * 2 - 1), [BATCH, 784]);
  const labels = new Int32Array(BATCH).map(() => rng.int(10));
  const t0 = performance.now();
  const l = squaredHinge(model.forward(x), labels);
  const t1 = performance.now();
  backward(l);
  const t2 = performance.now();
  opt.step();
  const t3 = performance.now();
  if (i >= 2) { fwd.push(t1 - t0); bwd.push(t2 - t1); adam.push(t3 - t2); total.push(t3 - t0); } // two warm-ups
}
console.log(`training step (ms, median of ${STEPS}): forward+loss ${ms(median(fwd))}  backward ${ms(median(bwd))}  `
  + `adam ${ms(median(adam))}  total ${ms(median(total))}`);

const [m, n, k] = [1, 4096, 4096], words = k / 32;
const k0 = await loadWasmKernels(); // the same backend, seen with its host arrays
const fill = (w: Uint32Array) => { let s = 7; for (let i = 0; i < w.length; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; w[i] = s >>> 0; } return w; };
const time = (a: Uint32Array, b: Uint32Array, c: Int32Array) => {
  for (let i = 0; i < 5; i++) k0.xnorGemm(a, b, c, m, n, k);
  const t: number[] = [];
  for (let i = 0; i < 51; i++) { const t0 = performance.now(); k0.xnorGemm(a, b, c, m, n, k); t.push(performance.now() - t0); }
  return median(t) / 1000;
};
const a = fill(new Uint32Array(m * words)), b = fill(new Uint32Array(n * words)), c = new Int32Array(m * n);
const copied = time(a, b, c);
let line = `xnorGemm (${m},${n},${k}) GMAC/s: copied ${(m * n * k / copied / 1e9).toFixed(1)}`;
if (k0.shared) { // persistent storage is resident in wasm's memory only over shared memory
  const rb = k0.alloc('u32', b.length, true), ra = k0.alloc('u32', a.length, true), rc = k0.alloc('i32', c.length, true);
  rb.set(b); ra.set(a);
  line += `  resident b ${(m * n * k / time(a, rb, c) / 1e9).toFixed(1)}  resident a, b, c ${(m * n * k / time(ra, rb, rc) / 1e9).toFixed(1)}`;
}
console.log(line);
process.exit(0);
