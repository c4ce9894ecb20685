import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { ShapeError } from '../errors/shape-error.js';
import { randn, tensor, uniform } from '../tensor/creation.js';
import { add, div, mul, sub } from './arithmetic.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend(); // LOWBIT_BACKEND=wasm npm test

const OPS = { add, sub, mul, div };
// same shapes, the outer-product broadcast, rank differences, and a [1] "scalar"
const SHAPE_PAIRS: [number[], number[]][] = [
  [[2, 3], [2, 3]], [[3, 1], [1, 4]], [[2, 3, 4], [4]], [[4], [2, 3, 4]], [[2, 3, 4], [3, 1]], [[1], [2, 3]],
];

for (const [name, op] of Object.entries(OPS)) {
  for (const [i, [sa, sb]] of SHAPE_PAIRS.entries()) {
    test(`${name}: gradient matches finite differences, [${sa}] ${name} [${sb}]`, () => {
      const seed = 10 * i + 1;
      const a = randn(sa, { seed });
      // divisors kept in [0.5, 2]: 1/b is smooth there
      const b = name === 'div' ? uniform(sb, 0.5, 2, { seed: seed + 1 }) : randn(sb, { seed: seed + 1 });
      checkGradient(([x, y]) => op(x!, y!), [a, b], { seed });
    });
  }
}

test('add: [3,1] + [1,4] broadcasts to the outer sum', () => {
  const y = add(tensor([[1], [2], [3]]), tensor([[10, 20, 30, 40]]));
  assert.deepEqual(y.shape, [3, 4]);
  assert.deepEqual([...y.dataSync()], [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43]);
});

test('sub, mul, div: values with a rank difference, [2,2] (op) [2]', () => {
  const a = tensor([[1, 2], [3, 4]]), b = tensor([2, 4]);
  assert.deepEqual([...sub(a, b).dataSync()], [-1, -2, 1, 0]);
  assert.deepEqual([...mul(a, b).dataSync()], [2, 8, 6, 16]);
  assert.deepEqual([...div(a, b).dataSync()], [0.5, 0.5, 1.5, 1]);
});

test('add: incompatible shapes throw a ShapeError naming both shapes', () => {
  assert.throws(() => add(randn([2, 3]), randn([4])), (e: Error) =>
    e instanceof ShapeError && e.message.includes('[2,3]') && e.message.includes('[4]'));
});
