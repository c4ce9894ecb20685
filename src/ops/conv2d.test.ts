import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { ShapeError } from '../errors/shape-error.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { conv2d, type Conv2dAttrs } from './conv2d.js';
import type { Padding } from './conv-geometry.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

/** [batch, H, W, C, out, kh, kw, stride, padding]: odd H/W, stride 2, same/valid, C not a
 *  multiple of 32 (and past one word of kh·kw·C), 1×1 and non-square kernels. */
type Case = [number, number, number, number, number, number, number, number, Padding];
const CASES: Case[] = [
  [2, 5, 7, 3, 4, 3, 3, 1, 'same'], [1, 5, 5, 2, 3, 3, 3, 2, 'valid'], [2, 6, 5, 3, 2, 3, 3, 2, 'same'],
  [1, 4, 3, 5, 3, 1, 1, 1, 'valid'], [1, 5, 4, 33, 2, 2, 3, 2, 'same'], [2, 4, 4, 4, 3, 4, 4, 1, 'same'],
];
const describe = ([b, h, w, c, out, kh, kw, stride, padding]: Case): string => `x [${b},${h},${w},${c}], w [${out},${kh},${kw},${c}], stride ${stride}, ${padding}`;

const randomTensor = (shape: number[], rng: Random, values = (): number => rng.uniform() * 2 - 1): Tensor =>
  new Tensor(Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, values), shape);

/** The convolution by its definition, window by window, with `pad` outside the image. */
function direct(x: Float32Array, xs: number[], w: Float32Array, ws: number[], stride: number, padding: Padding, pad: number): Float32Array {
  const [b, h, wd, c] = xs as [number, number, number, number], [n, kh, kw] = ws as [number, number, number];
  const same = padding === 'same';
  const oh = same ? Math.ceil(h / stride) : Math.floor((h - kh) / stride) + 1, ow = same ? Math.ceil(wd / stride) : Math.floor((wd - kw) / stride) + 1;
  const top = same ? Math.floor(Math.max((oh - 1) * stride + kh - h, 0) / 2) : 0, left = same ? Math.floor(Math.max((ow - 1) * stride + kw - wd, 0) / 2) : 0;
  const y = new Float32Array(b * oh * ow * n);
  for (let s = 0; s < b; s++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let o = 0; o < n; o++) {
    let sum = 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let ch = 0; ch < c; ch++) {
      const yy = oy * stride + i - top, xx = ox * stride + j - left;
      const v = yy >= 0 && yy < h && xx >= 0 && xx < wd ? x[((s * h + yy) * wd + xx) * c + ch]! : pad;
      sum += v * w[((o * kh + i) * kw + j) * c + ch]!;
    }
    y[((s * oh + oy) * ow + ox) * n + o] = sum;
  }
  return y;
}

const attrs = (mode: Conv2dAttrs['mode'], stride: number, padding: Padding, padValue = 0, clip: number | null = null): Conv2dAttrs => ({ mode, stride, padding, padValue, clip });

for (const [i, cs] of CASES.entries()) {
  const [b, h, w, c, out, kh, kw, stride, padding] = cs;
  test(`conv2d float: forward equals the direct convolution and the gradients finite differences, ${describe(cs)}`, () => {
    const rng = new Random(300 + i), x = randomTensor([b, h, w, c], rng), k = randomTensor([out, kh, kw, c], rng);
    for (const pad of [0, 1]) {
      const y = conv2d(x, k, attrs('float', stride, padding, pad));
      const want = direct(x.dataSync(), [b, h, w, c], k.dataSync(), [out, kh, kw, c], stride, padding, pad);
      assert.deepEqual(y.shape, [b, padding === 'same' ? Math.ceil(h / stride) : Math.floor((h - kh) / stride) + 1, padding === 'same' ? Math.ceil(w / stride) : Math.floor((w - kw) / stride) + 1, out]);
      y.dataSync().forEach((v, at) => assert.ok(Math.abs(v - want[at]!) < 1e-5, `seed ${300 + i} pad ${pad} output ${at}: ${v} vs ${want[at]}`));
    }
    checkGradient(([a, f]) => conv2d(a!, f!, attrs('float', stride, padding)), [x, k], { seed: 300 + i });
  });

  test(`conv2d binary: packed XNOR product equals the float product of the signs with +1 padding, and its gradients, ${describe(cs)}`, () => {
    const rng = new Random(400 + i), sign = (): number => (rng.uniform() < 0.5 ? -1 : 1);
    const x = randomTensor([b, h, w, c], rng, sign), k = randomTensor([out, kh, kw, c], rng); // latent weights in [-1, 1)
    const kSigns = new Tensor(k.dataSync().map((v) => (v >= 0 ? 1 : -1)), k.shape);
    const leaf = (t: Tensor): Tensor => { const l = new Tensor(Float32Array.from(t.dataSync()), t.shape); l.requiresGrad = true; return l; };
    const [xb, kb, xf, kf] = [leaf(x), leaf(k), leaf(x), leaf(kSigns)];
    const yb = conv2d(xb, kb, attrs('binary', stride, padding, 1, 0.5)), yf = conv2d(xf, kf, attrs('float', stride, padding, 1));
    assert.deepEqual(yb.dataSync(), yf.dataSync(), `seed ${400 + i}: forward`);
    const r = yb.dataSync().map(() => rng.uniform() * 2 - 1);
    backward(yb, new Tensor(r.slice(), yb.shape)); backward(yf, new Tensor(r.slice(), yf.shape));
    const close = (got: Float32Array, want: Float32Array, what: string): void =>
      got.forEach((v, at) => assert.ok(Math.abs(v - want[at]!) < 1e-5, `seed ${400 + i} ${what} ${at}: ${v} vs ${want[at]}`));
    close(xb.grad!.dataSync(), xf.grad!.dataSync(), 'dx');
    // the straight-through rule: sign(w)'s gradient passes where |w| <= clip (0.5 here)
    const latent = k.dataSync();
    close(kb.grad!.dataSync(), kf.grad!.dataSync().map((g, at) => (Math.abs(latent[at]!) <= 0.5 ? g : 0)), 'dw (masked)');
  });

  test(`conv2d signWeight: float input times sign(w) equals the float product, gradient of x by finite differences, ${describe(cs)}`, () => {
    const rng = new Random(500 + i), x = randomTensor([b, h, w, c], rng), k = randomTensor([out, kh, kw, c], rng);
    const kSigns = new Tensor(k.dataSync().map((v) => (v >= 0 ? 1 : -1)), k.shape);
    const y = conv2d(x, k, attrs('signWeight', stride, padding, 0, 1)), want = conv2d(x, kSigns, attrs('float', stride, padding));
    y.dataSync().forEach((v, at) => assert.ok(Math.abs(v - want.dataSync()[at]!) < 1e-5, `seed ${500 + i} output ${at}`));
    checkGradient(([a]) => conv2d(a!, k, attrs('signWeight', stride, padding, 0, 1)), [x], { seed: 500 + i });
  });
}

test('conv2d: bad shapes and options fail with what to fix', () => {
  const x = new Tensor(new Float32Array(2 * 4 * 4 * 3), [2, 4, 4, 3]);
  const k = (shape: number[]): Tensor => new Tensor(new Float32Array(shape.reduce((a, d) => a * d, 1)), shape);
  assert.throws(() => conv2d(x, k([2, 3, 3, 5]), attrs('float', 1, 'same')), (e) => e instanceof ShapeError && /input channels \(dim 3 of both: 3 vs 5\)/.test(e.message));
  assert.throws(() => conv2d(x, k([2, 5, 5, 3]), attrs('float', 1, 'valid')), (e) => e instanceof LowbitError && /5×5 window does not fit the input's height 4 with 'valid' padding/.test(e.message));
  assert.throws(() => conv2d(x, k([2, 3, 3, 3]), attrs('float', 0, 'same')), (e) => e instanceof LowbitError && /stride must be a positive integer, got 0/.test(e.message));
  assert.throws(() => conv2d(x, k([2, 3, 3, 3]), attrs('float', 1, 'full' as Padding)), (e) => e instanceof LowbitError && /padding must be 'same' or 'valid'/.test(e.message));
  assert.throws(() => conv2d(new Tensor(new Float32Array(48), [16, 3]), k([2, 3, 3, 3]), attrs('float', 1, 'same')), (e) => e instanceof LowbitError && /NHWC/.test(e.message));
  assert.throws(() => conv2d(x, k([2, 9, 3]), attrs('float', 1, 'same')), (e) => e instanceof LowbitError && /kernel must be \[out, kh, kw, channels\]/.test(e.message));
});
