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

// The engine on a fast backend (resident weights and scratch, either first-layer route) must give
// the reference backend's bit-plane scores (the paper's §5.1 method, plain loops) bit for bit:
// every product it runs is exact integer arithmetic, so the routes agree exactly as well. Width 200
// puts the hidden layers on the bit-sliced kernels (128 columns a slice, the second one partial).
test('packed engine: wasm backend = reference backend, bit for bit (1-bit and k-bit, every first-layer route)', async (t) => {
  if (!backendNames().includes('wasm')) return t.skip('no wasm backend registered');
  let wasmOk = true;
  try { await useBackend('wasm'); } catch { wasmOk = false; }
  if (!wasmOk) return t.skip('the wasm backend does not load here (no build/ or no SIMD)');
  const rng = new Random(31), pixels = new Uint8Array(300 * 784).map(() => (rng.uniform() < 0.5 ? 0 : rng.int(256)));
  const batches = [300, 3, 1];
  for (const [bitsW, bitsA, width] of [[1, 1, 70], [2, 2, 70], [1, 3, 70], [3, 1, 70], [1, 1, 200], [2, 2, 200], [1, 2, 200]] as const) {
    setKernels(referenceKernels);
    const graph = compile(mnistMlp({ width, depth: 2, seed: 8, bitsW, bitsA }), { scale: 'symmetric' });
    const oracle = new PackedEngine(graph, { firstLayer: 'bitPlanes' });
    const want = batches.map((count) => oracle.run(pixels.subarray(0, count * 784), count));
    const integer = new PackedEngine(graph, { firstLayer: 'integer' });
    for (const [b, count] of batches.entries()) {
      assert.deepEqual(integer.run(pixels.subarray(0, count * 784), count), want[b], `W${bitsW}/A${bitsA} width ${width}: ${count} images, reference, integer route`);
    }
    await useBackend('wasm');
    for (const firstLayer of ['auto', 'bitPlanes', 'integer'] as const) {
      const fast = new PackedEngine(graph, { firstLayer });
      for (const [b, count] of batches.entries()) {
        assert.deepEqual(fast.run(pixels.subarray(0, count * 784), count), want[b], `W${bitsW}/A${bitsA} width ${width}: ${count} images on ${kernels().name}, ${firstLayer}`);
      }
    }
  }
});

test('packed engine: an unknown firstLayer route is refused, naming the routes', () => {
  const graph = compile(mnistMlp({ width: 8, depth: 1, seed: 1 }), { scale: 'symmetric' });
  assert.throws(() => new PackedEngine(graph, { firstLayer: 'float' as never }), /firstLayer 'float' is not a route; use one of auto, bitPlanes, integer/);
});
