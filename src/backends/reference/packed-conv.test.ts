import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GEOMETRIES, POOLS } from '../conformance-conv.js';
import { random } from '../conformance-harness.js';
import { referenceKernels as ref } from './index.js';

// The packed-convolution references against the float conv kernels they must agree with.

test('im2colBits of packed pixels = im2colPackSigns of their ±1 values (padding +1)', () => {
  for (const [i, g] of GEOMETRIES.entries()) {
    const rng = random(900 + i), count = g.batch * g.height * g.width, ch = g.channels;
    const x = Float32Array.from({ length: count * ch }, () => (rng() < 0.5 ? -1 : 1));
    const packed = new Uint32Array(count * Math.ceil(ch / 32));
    ref.packRows(x, packed, count, ch);
    const words = g.batch * g.outH * g.outW * Math.ceil(g.kh * g.kw * ch / 32);
    const got = new Uint32Array(words).fill(0xffffffff), want = new Uint32Array(words);
    ref.im2colBits(packed, g, got);
    ref.im2colPackSigns(x, g, want);
    assert.deepEqual(got, want, `seed ${900 + i} geometry ${JSON.stringify(g)}`);
  }
});

test('im2colBytes = im2col of the same values; maxPoolInt = maxPool2d of the same values', () => {
  for (const [i, g] of [...GEOMETRIES, ...POOLS].entries()) {
    const rng = random(950 + i), n = g.batch * g.height * g.width * g.channels, outs = g.batch * g.outH * g.outW;
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng() * 256));
    const cols = new Uint8Array(outs * g.kh * g.kw * g.channels), colsF = new Float32Array(cols.length);
    ref.im2colBytes(bytes, g, 9, cols);
    ref.im2col(Float32Array.from(bytes), g, 9, colsF);
    assert.deepEqual(Float32Array.from(cols), colsF, `im2colBytes seed ${950 + i} ${JSON.stringify(g)}`);
    const ints = Int32Array.from(bytes, (b) => b - 128), y = new Int32Array(outs * g.channels), yF = new Float32Array(y.length);
    ref.maxPoolInt(ints, g, y);
    ref.maxPool2d(Float32Array.from(ints), g, yF, new Int32Array(y.length));
    assert.deepEqual(Float32Array.from(y), yF, `maxPoolInt seed ${950 + i} ${JSON.stringify(g)}`);
  }
});

test('pixelPairs: im2col rows of the pairs × (w, −w) = Σ w·(2p − 255) per window, padding adding 0', () => {
  const g = { batch: 2, height: 4, width: 3, channels: 3, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 4, outW: 3 };
  const pixels = g.batch * g.height * g.width, k = g.kh * g.kw * g.channels, rows = g.batch * g.outH * g.outW;
  const x = Uint8Array.from({ length: pixels * 3 }, (_, i) => (i * 97 + 13) % 256), w = Int8Array.from({ length: k }, (_, i) => ((i * 7) % 3 === 0 ? -1 : 1));
  const pairs = new Uint8Array(2 * x.length), cols = new Uint8Array(rows * 2 * k), plain = new Uint8Array(rows * k);
  ref.pixelPairs(x, pixels, 3, pairs);
  ref.im2colBytes(pairs, { ...g, channels: 6 }, 0, cols);
  ref.im2colBytes(x, g, 0, plain);
  const inImage = new Uint8Array(rows * k).fill(1), ones = new Uint8Array(pixels * 3).fill(1);
  ref.im2colBytes(ones, g, 0, inImage); // 1 where the tap is a pixel, 0 in the padding
  for (let r = 0; r < rows; r++) {
    let got = 0, want = 0;
    for (let t = 0; t < g.kh * g.kw; t++) for (let c = 0; c < 3; c++) {
      const wi = w[t * 3 + c]!;
      got += wi * cols[r * 2 * k + t * 6 + c]! - wi * cols[r * 2 * k + t * 6 + 3 + c]!;
      if (inImage[r * k + t * 3 + c]) want += wi * (2 * plain[r * k + t * 3 + c]! - 255);
    }
    assert.equal(got, want, `row ${r}`);
  }
});

test('poolBits of thresholdPack\'s bits = thresholdPack of maxPoolInt (both directions, ties at the threshold)', () => {
  for (const [i, g] of [...POOLS, ...GEOMETRIES].entries()) {
    const rng = random(990 + i), ch = g.channels, words = Math.ceil(ch / 32), pixels = g.batch * g.height * g.width, outs = g.batch * g.outH * g.outW;
    const v = Int32Array.from({ length: pixels * ch }, () => Math.floor(rng() * 7) - 3);
    const lim = Int32Array.from({ length: ch }, () => Math.floor(rng() * 7) - 3), flip = new Uint32Array(words);
    for (let c = 0; c < ch; c++) if (rng() < 0.5) flip[c >>> 5] = (flip[c >>> 5]! | (1 << (c & 31))) >>> 0;
    const bits = new Uint32Array(pixels * words), pooled = new Int32Array(outs * ch), want = new Uint32Array(outs * words);
    ref.thresholdPack(v, pixels, ch, null, 1, lim, flip, bits);
    ref.maxPoolInt(v, g, pooled);
    ref.thresholdPack(pooled, outs, ch, null, 1, lim, flip, want);
    const got = new Uint32Array(outs * words).fill(0xdeadbeef);
    ref.poolBits(bits, g, flip, got);
    assert.deepEqual(got, want, `seed ${990 + i} geometry ${JSON.stringify(g)}`);
  }
});
