import assert from 'node:assert/strict';
import { test } from 'node:test';
import { geometry } from '../conformance-conv.js';
import { close, floats, Harness, packedRows, random, same, zeros } from '../conformance-harness.js';
import type { ConvGeometry } from '../kernels.js';
import { gpuOrSkip } from './gpu-or-skip.js';

// The conv-training kernels in WGSL against the reference on seeded random inputs beyond the
// conformance sizes: odd channels (3, 5, 33, 65), stride 2, 'same' padding, batches > 1, a 5×5
// window, and a size past the 65,535-workgroup limit of one dispatch dimension. Bit and
// integer results, max-pool values, argmax and its gradient are exact; the float sums within the
// tolerances stated beside them.

const CONVS: [ConvGeometry, number][] = [
  [geometry(2, 9, 11, 3, 3, 3, 2, true), 33], [geometry(3, 8, 7, 5, 3, 3, 1, true), 65],
  [geometry(2, 7, 9, 33, 2, 2, 2, false), 7], [geometry(2, 6, 5, 65, 3, 3, 2, true), 1],
  [geometry(2, 5, 6, 3, 5, 5, 1, true), 64],
];
/** 2×2 stride 2 on odd sizes, overlapping 3×3 stride 2 (one with padding), 3×3 stride 1, and
 *  windows wholly in the padding (max -inf or the lowest int32, argmax -1). */
const POOLS: ConvGeometry[] = [
  geometry(2, 9, 11, 3, 2, 2, 2, false), geometry(3, 7, 7, 5, 3, 3, 2, false), geometry(2, 8, 8, 33, 2, 2, 2, false),
  geometry(2, 5, 5, 65, 3, 3, 2, true), geometry(2, 4, 6, 3, 3, 3, 1, true),
  { batch: 2, height: 2, width: 3, channels: 5, kh: 2, kw: 2, stride: 2, padTop: 2, padLeft: 1, outH: 2, outW: 2 },
];
const KERNELS = ['im2col', 'col2im', 'im2colPackSigns', 'transposeBits', 'conv2dBinaryForward', 'conv2dSignBackwardInput', 'maxPool2d', 'maxPool2dBackward',
  'im2colBits', 'im2colBytes', 'maxPoolInt', 'poolBits', 'pixelPairs'] as const;

const inputs = (g: ConvGeometry) => g.batch * g.height * g.width * g.channels;
const rowsOf = (g: ConvGeometry) => g.batch * g.outH * g.outW;
const kOf = (g: ConvGeometry) => g.kh * g.kw * g.channels;
const at = (g: ConvGeometry, n = 0) =>
  `x [${g.batch},${g.height},${g.width},${g.channels}] window ${g.kh}×${g.kw} stride ${g.stride} pad ${g.padTop},${g.padLeft}${n ? ` n=${n}` : ''}`;

/** Equal floats bit for bit (-0 apart from 0, infinities equal), any NaN matching any NaN. */
function identical(got: Float32Array, want: Float32Array, context: string): void {
  assert.equal(got.length, want.length, `${context}: length`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < want.length; i++) {
    if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) assert.fail(`${context}: index ${i} is ${got[i]}, reference ${want[i]}`);
  }
}

const gpu = await gpuOrSkip('webgpu conv kernels');
if (gpu) {
  const h = new Harness(gpu);

  test('webgpu: the conv kernels (training, and the packed engine\'s) are WGSL, not the reference on read-back storage', () => {
    assert.deepEqual(KERNELS.filter((k) => !gpu.native.has(k)), []);
  });

  test('webgpu: im2col, im2colPackSigns and conv2dBinaryForward equal the reference exactly', async () => {
    for (const [i, [g, n]] of CONVS.entries()) {
      const rng = random(8100 + i), x = floats(rng, inputs(g), true), k = kOf(g), m = rowsOf(g), words = Math.ceil(k / 32);
      for (const padValue of [0, 1]) {
        const { got, want } = await h.run([x, new Float32Array(m * k).fill(7)], (kk, x, out) => kk.im2col(x, g, padValue, out));
        close(got[1], want[1], 0, `im2col ${at(g)} padValue ${padValue}`);
      }
      const signs = await h.run([x, new Uint32Array(m * words).fill(0xdeadbeef)], (kk, x, out) => kk.im2colPackSigns(x, g, out));
      same(signs.got[1], signs.want[1], `im2colPackSigns ${at(g)}`);
      const { got, want } = await h.run([x, packedRows(rng, n, k), zeros('u32', m * words), new Float32Array(m * n).fill(7)],
        (kk, x, w, cs, y) => kk.conv2dBinaryForward(x, w, n, g, cs, y));
      same(got[2], want[2], `conv2dBinaryForward colSigns ${at(g, n)}`);
      close(got[3], want[3], 0, `conv2dBinaryForward y ${at(g, n)}`);
    }
    h.free();
  });

  test('webgpu: col2im and conv2dSignBackwardInput follow the reference within float32 rounding', async () => {
    for (const [i, [g, n]] of CONVS.entries()) {
      const rng = random(8200 + i), k = kOf(g), m = rowsOf(g);
      // float32 sums where the reference's are float64: at most kh·kw columns per element,
      // each (in the fused kernel) a sum of n terms of |dy| <= 1, rounded once per addition
      const cols = await h.run([floats(rng, m * k), new Float32Array(inputs(g)).fill(7)], (kk, c, dx) => kk.col2im(c, g, dx));
      close(cols.got[1], cols.want[1], 1e-6 * g.kh * g.kw, `col2im ${at(g)}`);
      const { got, want } = await h.run([floats(rng, m * n), packedRows(rng, k, n), new Float32Array(inputs(g)).fill(7)],
        (kk, dy, w, dx) => kk.conv2dSignBackwardInput(dy, w, n, g, dx));
      close(got[2], want[2], 1e-6 * (n + 1) * g.kh * g.kw, `conv2dSignBackwardInput ${at(g, n)}`);
    }
    h.free();
  });

  test('webgpu: transposeBits equals the reference exactly, tail bits of the input ignored', async () => {
    for (const [i, [rows, cols]] of ([[33, 65], [70, 31], [1, 100], [97, 3], [64, 64]] as const).entries()) {
      const rng = random(8300 + i), x = Uint32Array.from({ length: rows * Math.ceil(cols / 32) }, () => (rng() * 2 ** 32) >>> 0);
      const { got, want } = await h.run([x, new Uint32Array(cols * Math.ceil(rows / 32)).fill(0xdeadbeef)], (k, x, out) => k.transposeBits(x, rows, cols, out));
      same(got[1], want[1], `transposeBits rows=${rows} cols=${cols}`);
    }
    h.free();
  });

  test('webgpu: maxPool2d (first maximum, padding skipped, NaN kept) and its backward equal the reference exactly', async () => {
    let nanOutputs = 0;
    for (const [i, g] of POOLS.entries()) {
      // four levels, so windows hold ties; a few NaNs and -0s
      const rng = random(8400 + i), outs = rowsOf(g) * g.channels;
      const x = Float32Array.from({ length: inputs(g) }, () => { const r = rng(); return r < 0.01 ? NaN : r < 0.05 ? -0 : Math.floor(r * 4) - 2; });
      // backward on the argmax the GPU's own maxPool2d wrote: the gather in output order
      const { got, want } = await h.run([x, zeros('f32', outs), zeros('i32', outs), floats(rng, outs), new Float32Array(inputs(g)).fill(7)],
        (k, x, y, arg, dy, dx) => { k.maxPool2d(x, g, y, arg); k.maxPool2dBackward(dy, arg, outs, dx, inputs(g)); });
      identical(got[1], want[1], `maxPool2d values ${at(g)}`);
      nanOutputs += want[1].filter((v) => Number.isNaN(v)).length;
      same(got[2], want[2], `maxPool2d argmax ${at(g)}`);
      identical(got[4], want[4], `maxPool2dBackward ${at(g)}`);
    }
    assert.ok(nanOutputs > 0, 'the inputs put a NaN into some window');
    h.free();
  });

  test('webgpu: maxPool2dBackward on an argmax rewritten after maxPool2d adds at the new indices', async () => {
    // indices outside their windows (and -1): the kernel must notice and scatter instead of gather
    const g = POOLS[1]!, rng = random(8500), outs = rowsOf(g) * g.channels;
    const moved = Int32Array.from({ length: outs }, () => Math.floor(rng() * (inputs(g) + 1)) - 1);
    const { got, want } = await h.run([floats(rng, inputs(g)), zeros('f32', outs), zeros('i32', outs), floats(rng, outs), zeros('f32', inputs(g))],
      (k, x, y, arg, dy, dx) => { k.maxPool2d(x, g, y, arg); k.write(arg, moved.slice()); k.maxPool2dBackward(dy, arg, outs, dx, inputs(g)); });
    // a few indices repeat: float32 sums of up to ~4 terms |dy| <= 1 in another order
    close(got[4], want[4], 1e-6, `maxPool2dBackward on rewritten argmax ${at(g)}`);
    h.free();
  });

  test('webgpu: the packed engine\'s conv kernels (im2colBits, im2colBytes, maxPoolInt, poolBits, pixelPairs) equal the reference exactly', async () => {
    for (const [i, [g, n]] of CONVS.entries()) {
      const rng = random(8700 + i), pixels = g.batch * g.height * g.width, k = kOf(g), rows = rowsOf(g), words = Math.ceil(k / 32);
      // pixels packed as thresholdPack writes them (tail bits 0); the bits im2colPackSigns takes from their floats
      const x = floats(rng, pixels * g.channels, true), packed = new Uint32Array(pixels * Math.ceil(g.channels / 32));
      const { got, want } = await h.run([x, packed, new Uint32Array(rows * words).fill(0xdeadbeef), zeros('u32', rows * words)],
        (kk, x, px, out, signs) => { kk.packRows(x, px, pixels, g.channels); kk.im2colBits(px, g, out); kk.im2colPackSigns(x, g, signs); });
      same(got[2], want[2], `im2colBits ${at(g)}`);
      same(got[2], got[3], `im2colBits ${at(g)}: the bits of im2colPackSigns`);
      const bytes = Uint8Array.from({ length: pixels * g.channels }, () => Math.floor(rng() * 256));
      for (const padValue of [0, 200]) {
        // one byte longer than the output (and not a whole word): that byte stays as it was
        const cols = await h.run([bytes, new Uint8Array(rows * k + 1).fill(7)], (kk, x, out) => kk.im2colBytes(x, g, padValue, out));
        same(Int32Array.from(cols.got[1]), Int32Array.from(cols.want[1]), `im2colBytes ${at(g)} padValue ${padValue}`);
      }
      const pairs = await h.run([bytes, new Uint8Array(2 * bytes.length).fill(7)], (kk, x, out) => kk.pixelPairs(x, pixels, g.channels, out));
      same(Int32Array.from(pairs.got[1]), Int32Array.from(pairs.want[1]), `pixelPairs ${pixels} pixels of ${g.channels} (n ${n} unused)`);
    }
    for (const [i, g] of POOLS.entries()) {
      const rng = random(8800 + i), pixels = g.batch * g.height * g.width, words = Math.ceil(g.channels / 32), outs = rowsOf(g) * g.channels;
      // a few levels (ties) and the int32 extremes
      const ints = Int32Array.from({ length: inputs(g) }, () => { const r = rng(); return r < 0.05 ? -0x80000000 : r < 0.1 ? 0x7fffffff : Math.floor(r * 8) - 4; });
      const pooled = await h.run([ints, new Int32Array(outs).fill(7)], (k, x, y) => k.maxPoolInt(x, g, y));
      same(pooled.got[1], pooled.want[1], `maxPoolInt ${at(g)}`);
      const { got, want } = await h.run([packedRows(rng, pixels, g.channels), packedRows(rng, 1, g.channels), new Uint32Array(rowsOf(g) * words).fill(0xdeadbeef)],
        (k, x, flip, out) => k.poolBits(x, g, flip, out));
      same(got[2], want[2], `poolBits ${at(g)}`);
    }
    h.free();
  });

  test('webgpu: a size past 65,535 workgroups per dimension (a 2-D grid) equals the reference', async () => {
    // 4097² one-channel pixels: 16.8 M im2col invocations, past 65,535 groups of 256. (The xnor
    // row blocks' split into z needs 4.2 M rows: minutes on SwiftShader, so not run here.)
    const wide = geometry(1, 4097, 4097, 1, 1, 1, 1, false), x = floats(random(8600), inputs(wide), true);
    const { got, want } = await h.run([x, zeros('f32', inputs(wide))], (k, x, out) => k.im2col(x, wide, 0, out));
    close(got[1], want[1], 0, `im2col ${at(wide)}`);
    h.free();
  });
}
