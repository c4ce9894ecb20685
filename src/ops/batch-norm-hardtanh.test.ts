import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, uniform } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { batchNorm } from './batch-norm.js';
import { batchNormHardtanh } from './batch-norm-hardtanh.js';
import { hardtanh } from './hardtanh.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const EPS = 1e-4;
const host = (v: Float32Array): Tensor => new Tensor(v, [v.length]);
const leaf = (t: Tensor): Tensor => { const c = new Tensor(Float32Array.from(t.dataSync()), t.shape); c.requiresGrad = true; return c; };

test('batchNormHardtanh: the output, the statistics and the gradients of x, γ and β equal hardtanh(batchNorm(x)) bit for bit', () => {
  // NHWC rows and a dense layer's; γ up to ±2 and β up to ±1.5: a third or more of the outputs clamped
  for (const [seed, shape] of [[11, [3, 5, 4, 6]], [12, [100, 33]], [13, [2, 1]]] as [number, number[]][]) {
    const ch = shape[shape.length - 1]!;
    const x = randn(shape, { seed, scale: 3 }), gamma = uniform([ch], -2, 2, { seed: seed + 1 }), beta = uniform([ch], -1.5, 1.5, { seed: seed + 2 });
    const dout = randn(shape, { seed: seed + 3 });
    const run = (fused: boolean) => {
      const [xl, gl, bl] = [leaf(x), leaf(gamma), leaf(beta)], mean = new Float32Array(ch), invStd = new Float32Array(ch);
      const attrs = { eps: EPS, mean: host(mean), invStd: host(invStd) };
      const out = fused ? batchNormHardtanh(xl, gl, bl, attrs) : hardtanh(batchNorm(xl, gl, bl, { training: true, ...attrs }));
      backward(out, new Tensor(Float32Array.from(dout.dataSync()), shape));
      return { out: out.dataSync(), mean, invStd, dx: xl.grad!.dataSync(), dgamma: gl.grad!.dataSync(), dbeta: bl.grad!.dataSync() };
    };
    const fused = run(true), twoOps = run(false);
    const clamped = fused.out.filter((v) => Math.abs(v) === 1).length;
    assert.ok(clamped > fused.out.length / 4, `seed ${seed} [${shape}]: only ${clamped} of ${fused.out.length} outputs at ±1`);
    for (const key of Object.keys(fused) as (keyof typeof fused)[]) {
      assert.deepEqual(new Uint32Array(fused[key].buffer, fused[key].byteOffset, fused[key].length),
        new Uint32Array(twoOps[key].buffer, twoOps[key].byteOffset, twoOps[key].length), `seed ${seed} [${shape}] ${key}`);
    }
  }
});

test('batchNormHardtanh: gradients of x, γ and β match finite differences, clamped outputs among them', () => {
  // a fixed draw whose outputs stay clear of the ±1 kinks under the differences' steps (the check
  // would fail there, not the gradient): some clamped, where only γ's and β's own channel move
  const seed = 9, stats = () => ({ eps: EPS, mean: host(new Float32Array(4)), invStd: host(new Float32Array(4)) });
  const inputs = [randn([6, 4], { seed }), uniform([4], 0.5, 1.5, { seed: seed + 1 }), randn([4], { seed: seed + 2, scale: 0.5 })];
  const out = batchNormHardtanh(inputs[0]!, inputs[1]!, inputs[2]!, stats()).dataSync();
  assert.ok(out.some((v) => Math.abs(v) === 1) && out.some((v) => Math.abs(v) < 1), `seed ${seed}: outputs ${out}`);
  checkGradient(([x, g, b]) => batchNormHardtanh(x!, g!, b!, stats()), inputs, { seed });
});
