import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setKernels } from '../backends/registry.js';
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
function train(kernels: typeof referenceKernels, init: Float32Array): { p: Parameter; adam: Adam; grads: Tensor[] } {
  setKernels(kernels);
  const p = new Parameter(init, [init.length]);
  p.clip = 0.9;
  const adam = new Adam([p], { lr: 0.05 }), grads: Tensor[] = [];
  for (let t = 1; t <= 3; t++) {
    const g = wasm.allocResident?.('f32', init.length) ?? new Float32Array(init.length);
    g.set(values(init.length, t));
    grads.push(p.grad = new Tensor(g, [init.length]));
    adam.step();
  }
  return { p, adam, grads };
}

test('resident state: Adam on wasm with resident parameter, slots and gradient equals the reference bit for bit', () => {
  assert.ok(wasm.allocResident, 'the shared-memory build offers resident arrays');
  const init = values(1027, 9);
  const onWasm = train(wasm, init), onRef = train(referenceKernels, init);
  assert.ok(onWasm.p.data.buffer instanceof SharedArrayBuffer, 'the parameter lives in wasm memory');
  assert.notEqual(onWasm.p.data, init, 'the initial values were copied, not taken');
  assert.deepEqual(onWasm.p.data, onRef.p.data);
  assert.deepEqual(onWasm.adam.state().slots, onRef.adam.state().slots);
  assert.equal(onWasm.p.grad, null);
});

test('resident state: loadState copies into fresh resident slots; a resident gradient goes back at step()', () => {
  setKernels(wasm);
  const p = new Parameter(values(64, 1), [64]);
  const source = new Adam([p]), slots = [[values(64, 2), values(64, 3).map(Math.abs)]];
  source.loadState({ step: 4, lr: 0.01, slots });
  const [m, v] = source.state().slots[0]!;
  assert.ok(m!.buffer instanceof SharedArrayBuffer && m !== slots[0]![0]);
  assert.deepEqual([m, v], slots[0]);
  const g = wasm.allocResident!('f32', 64)!;
  p.grad = new Tensor(g, [64]);
  source.step();
  const again = wasm.allocResident!('f32', 64)!;
  assert.equal(again.byteOffset, g.byteOffset, 'the gradient block was given back and is reused');
  wasm.freeResident!(again);
});
