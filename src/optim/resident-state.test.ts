import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setKernels } from '../backends/registry.js';
import type { HostKernels } from '../backends/kernels.js';
import { referenceKernels } from '../backends/reference/index.js';
import { loadWasmKernels } from '../backends/wasm/index.js';
import { Parameter } from '../nn/parameter.js';
import { Tensor } from '../tensor/tensor.js';
import { Adam } from './adam.js';

// Parameters, optimizer slots and binary layers' weight gradients live in the wasm backend's
// memory when it is active (Kernels.allocResident); results must not change.
const wasm = await loadWasmKernels();
after(() => { setKernels(referenceKernels); wasm.close(); });

const values = (length: number, seed: number) => Float32Array.from({ length }, (_, i) => Math.sin(seed * 1000 + i * 0.37));

/** Three Adam steps with clipping on a parameter made while `kernels` are active. */
function train(kernels: HostKernels, init: Float32Array): { p: Parameter; adam: Adam; grads: Tensor[] } {
  setKernels(kernels);
  const p = new Parameter(init, [init.length]);
  p.clip = 0.9;
  const adam = new Adam([p], { lr: 0.05 }), grads: Tensor[] = [];
  for (let t = 1; t <= 3; t++) {
    const g = kernels.alloc('f32', init.length, true);
    g.set(values(init.length, t));
    grads.push(p.grad = new Tensor(g, [init.length]));
    adam.step();
  }
  return { p, adam, grads };
}

test('resident state: Adam on wasm with resident parameter, slots and gradient equals the reference bit for bit', async () => {
  assert.ok(wasm.shared, 'the shared-memory build offers resident arrays');
  const init = values(1027, 9);
  const onWasm = train(wasm, init), onRef = train(referenceKernels, init);
  assert.ok(onWasm.p.dataSync().buffer instanceof SharedArrayBuffer, 'the parameter lives in wasm memory');
  assert.notEqual(onWasm.p.dataSync(), init, 'the initial values were copied, not taken');
  assert.deepEqual(onWasm.p.dataSync(), onRef.p.dataSync());
  assert.deepEqual((await onWasm.adam.state()).slots, (await onRef.adam.state()).slots);
  assert.equal(onWasm.p.grad, null);
});

test('resident state: loadState copies into fresh resident slots; a resident gradient goes back at step()', async () => {
  setKernels(wasm);
  const p = new Parameter(values(64, 1), [64]);
  const source = new Adam([p]), slots = [[values(64, 2), values(64, 3).map(Math.abs)]];
  source.loadState({ step: 4, lr: 0.01, slots });
  const [m] = source['slots'][0]! as unknown as Float32Array[]; // the backend's own storage: a resident array on wasm
  assert.ok(m!.buffer instanceof SharedArrayBuffer && m !== slots[0]![0]);
  assert.deepEqual((await source.state()).slots[0], slots[0]);
  const g = wasm.alloc('f32', 64, true);
  p.grad = new Tensor(g, [64]);
  source.step();
  const again = wasm.alloc('f32', 64, true);
  assert.equal(again.byteOffset, g.byteOffset, 'the gradient block was given back and is reused');
  wasm.free(again);
});
