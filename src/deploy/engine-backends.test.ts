import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { backendNames, kernels, setKernels, useBackend } from '../backends/registry.js';
import { referenceKernels } from '../backends/reference/index.js';
import '../backends/wasm/register.js';
import { mnistMlp } from '../models/mnist-mlp.js';
import { Random } from '../tensor/random.js';
import { compile } from './compile.js';
import { PackedEngine } from './engine.js';

after(() => setKernels(referenceKernels));

// The engine on a fast backend (resident weights and scratch, the float pixel product from 8
// images on, bit-planes below) must give the reference backend's scores bit for bit: every
// product it runs is exact integer arithmetic.
test('packed engine: wasm backend = reference backend, bit for bit (1-bit and k-bit, both first-layer routes)', async (t) => {
  if (!backendNames().includes('wasm')) return t.skip('no wasm backend registered');
  let wasmOk = true;
  try { await useBackend('wasm'); } catch { wasmOk = false; }
  if (!wasmOk) return t.skip('the wasm backend does not load here (no build/ or no SIMD)');
  const rng = new Random(31), pixels = new Uint8Array(300 * 784).map(() => (rng.uniform() < 0.5 ? 0 : rng.int(256)));
  for (const [bitsW, bitsA] of [[1, 1], [2, 2], [1, 3], [3, 1]] as const) {
    setKernels(referenceKernels);
    const graph = compile(mnistMlp({ width: 70, depth: 2, seed: 8, bitsW, bitsA }), { scale: 'symmetric' });
    const ref = new PackedEngine(graph);
    const want = [ref.run(pixels, 300), ref.run(pixels.subarray(0, 3 * 784), 3)];
    await useBackend('wasm');
    const fast = new PackedEngine(graph);
    assert.deepEqual(fast.run(pixels, 300), want[0], `W${bitsW}/A${bitsA}: 300 images on ${kernels().name}`);
    assert.deepEqual(fast.run(pixels.subarray(0, 3 * 784), 3), want[1], `W${bitsW}/A${bitsA}: 3 images on ${kernels().name}`);
  }
});
