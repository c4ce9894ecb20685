import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { backendNames, kernels, setKernels, useBackend } from '../backends/registry.js';
import { referenceKernels } from '../backends/reference/index.js';
import '../backends/wasm/register.js';
import { mnistMlp } from '../models/mnist-mlp.js';
import { Random } from '../tensor/random.js';
import { compile } from './compile.js';
import { PackedEngine } from './engine.js';
import { DeployError } from './deploy-error.js';
import { loadWasmKernels, type WasmKernels } from '../backends/wasm/index.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
    const graph = await compile(mnistMlp({ width, depth: 2, seed: 8, bitsW, bitsA }), { scale: 'symmetric' });
    const oracle = new PackedEngine(graph, { firstLayer: 'bitPlanes' });
    const want = await Promise.all(batches.map((count) => oracle.run(pixels.subarray(0, count * 784), count)));
    const integer = new PackedEngine(graph, { firstLayer: 'integer' });
    for (const [b, count] of batches.entries()) {
      assert.deepEqual(await integer.run(pixels.subarray(0, count * 784), count), want[b], `W${bitsW}/A${bitsA} width ${width}: ${count} images, reference, integer route`);
    }
    await useBackend('wasm');
    for (const firstLayer of ['auto', 'bitPlanes', 'integer'] as const) {
      const fast = new PackedEngine(graph, { firstLayer });
      for (const [b, count] of batches.entries()) {
        assert.deepEqual(await fast.run(pixels.subarray(0, count * 784), count), want[b], `W${bitsW}/A${bitsA} width ${width}: ${count} images on ${kernels().name}, ${firstLayer}`);
      }
    }
  }
});

test('packed engine: an unknown firstLayer route is refused, naming the routes', async () => {
  const graph = await compile(mnistMlp({ width: 8, depth: 1, seed: 1 }), { scale: 'symmetric' });
  assert.throws(() => new PackedEngine(graph, { firstLayer: 'float' as never }), /firstLayer 'float' is not a route; use one of auto, bitPlanes, integer/);
});

test('packed engine: pixels other than a Uint8Array of count × inputs bytes are refused at the edge', async () => {
  setKernels(referenceKernels);
  const engine = new PackedEngine(await compile(mnistMlp({ width: 8, depth: 1, seed: 1 }), { scale: 'symmetric' }));
  for (const bad of [new Int8Array(784), new Uint8ClampedArray(784), new Uint16Array(784), Array.from({ length: 784 }, () => 0)]) {
    await assert.rejects(engine.run(bad as never, 1), DeployError);
    await assert.rejects(engine.predict(bad as never), /engine\.predict: pixels must be a Uint8Array of raw bytes \(0\.\.255\), got \w+/);
  }
  await assert.rejects(engine.run(new Uint8Array(785), 1), /engine\.run: expected count × 784 pixel bytes, got 785 bytes for count 1/);
  await assert.rejects(engine.run(new Uint8Array(785)), /got 785 bytes for count 1\.0012/);
  await assert.rejects(engine.run(new Uint8Array(0), -1), /got 0 bytes for count -1/);
  assert.deepEqual(await engine.run(new Uint8Array(0)), new Float32Array(0), 'no images: no scores');
});

test('packed engine: dispose() frees what it made, is idempotent, and a disposed engine says so', async () => {
  setKernels(referenceKernels);
  const graph = await compile(mnistMlp({ width: 8, depth: 1, seed: 1 }), { scale: 'symmetric' });
  const engine = new PackedEngine(graph), pixels = new Uint8Array(2 * 784).fill(100);
  const before = await engine.run(pixels);
  engine.dispose();
  engine.dispose();
  await assert.rejects(engine.run(pixels), /engine\.run: this engine was disposed; make a new PackedEngine\(graph\)/);
  await assert.rejects(engine.predict(pixels), /engine\.predict: this engine was disposed/);
  assert.deepEqual(await new PackedEngine(graph).run(pixels), before, 'the graph itself is left intact');
});

// 1,500 dropped engines once held 1.44 GB of wasm memory: disposed ones must give every block
// back at once, dropped ones at garbage collection (prepared layouts included).
test('packed engine on wasm: disposed and dropped engines do not grow the wasm heap', async (t) => {
  if (!backendNames().includes('wasm')) return t.skip('no wasm backend registered');
  let wasm: WasmKernels;
  try { wasm = await loadWasmKernels(); } catch { return t.skip('the wasm backend does not load here (no build/ or no SIMD)'); }
  if (!wasm.shared) return t.skip('no shared memory: no resident arrays to leak');
  setKernels(wasm);
  // width 200: sliced and fused hidden layers, a nibble-table first layer, narrow scores
  const graph = await compile(mnistMlp({ width: 200, depth: 2, seed: 3 }), { scale: 'symmetric' }), pixels = new Uint8Array(3 * 784).fill(7);
  const want = await new PackedEngine(graph).run(pixels), gc = collector();
  await collect(gc);
  const start = wasm.heapBytes;
  for (let i = 0; i < 40; i++) {
    const engine = new PackedEngine(graph);
    assert.deepEqual(await engine.run(pixels), want, `engine ${i}`);
    engine.dispose();
  }
  assert.equal(wasm.heapBytes, start, 'disposed engines keep no wasm memory');
  for (let i = 0; i < 40; i++) await new PackedEngine(graph).run(pixels);
  assert.ok(wasm.heapBytes > start, 'dropped engines hold their memory until collected');
  await collect(gc);
  assert.equal(wasm.heapBytes, start, 'dropped engines give their wasm memory back at garbage collection');
});

/** A few collections, each followed by a task turn (finalizers run between tasks). */
async function collect(gc: () => void): Promise<void> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The garbage collector, as a function, without starting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
