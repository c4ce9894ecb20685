import type { ConvGeometry } from '../kernels.js';
import { GEO, geo, indexable, NONE } from './conv.js';
import type { GpuQueue } from './gpu-queue.js';
import { grid, i, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// The packed engine's conv kernels (reference/packed-conv.ts), all exact: one invocation per
// output word, so no two invocations write one word. Bytes (u8 storage) are 4 to a u32 word,
// byte e at bits 8·(e%4) of word e/4; a last word's bytes past the output are kept as they are.

/** The index of pixel (b, oy·stride + i − padTop, ox·stride + j − padLeft), or NONE in the padding. */
const PIXEL = `
fn pixelAt(b: u32, oy: u32, ox: u32, i: u32, j: u32) -> u32 {
  let yy = i32(oy * p.stride + i) - i32(p.padTop); let xx = i32(ox * p.stride + j) - i32(p.padLeft);
  if (yy < 0 || yy >= i32(p.height) || xx < 0 || xx >= i32(p.width)) { return ${NONE}u; }
  return (b * p.height + u32(yy)) * p.width + u32(xx);
}`;
const BYTE_OF = 'fn byteOf(e: u32) -> u32 { return (x[e / 4u] >> ((e % 4u) * 8u)) & 255u; }';
/** The output word's start: 0, but in a last word the bytes past p.bytes as they are. */
const WORD = 'var word = 0u; if (flat * 4u + 4u > p.bytes) { word = o[flat] & ~((1u << ((p.bytes - flat * 4u) * 8u)) - 1u); }';
/** Decodes output row `row` into (b, oy, ox). */
const ROW = 'let ox = row % p.outW; let oy = (row / p.outW) % p.outH; let b = row / (p.outW * p.outH);';

const IM2COL_BITS = shader(`${GEO}, k: u32, words: u32, inWords: u32, count: u32`, [['x', 'u32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  let row = flat / p.words; let p0 = (flat % p.words) * 32u; ${ROW}
  var bits = 0u; var tap = p0 / p.channels; var c = p0 % p.channels;
  var at = pixelAt(b, oy, ox, tap / p.kw, tap % p.kw);
  for (var bit = 0u; bit < 32u && p0 + bit < p.k; bit++) {
    if (c == p.channels) { c = 0u; tap++; at = pixelAt(b, oy, ox, tap / p.kw, tap % p.kw); }
    if (at != ${NONE}u) { bits |= ((x[at * p.inWords + c / 32u] >> (c % 32u)) & 1u) << bit; }
    c++;
  }
  o[flat] = bits;`, '256', PIXEL);

const IM2COL_BYTES = shader(`${GEO}, k: u32, bytes: u32, count: u32, padValue: u32`, [['x', 'u32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  ${WORD}
  for (var t = 0u; t < 4u && flat * 4u + t < p.bytes; t++) {
    let e = flat * 4u + t; let row = e / p.k; let pc = e % p.k; let tap = pc / p.channels; ${ROW}
    let at = pixelAt(b, oy, ox, tap / p.kw, tap % p.kw);
    var v = p.padValue;
    if (at != ${NONE}u) { v = byteOf(at * p.channels + pc % p.channels); }
    word |= v << (t * 8u);
  }
  o[flat] = word;`, '256', `${PIXEL}\n${BYTE_OF}`);

// int32 maxima; the lowest int32 where a window is all padding, as the reference's
const MAX_POOL_INT = shader(`${GEO}, count: u32, lowest: i32`, [['x', 'i32'], ['y', 'i32']], `
  if (flat >= p.count) { return; }
  let c = flat % p.channels; let row = flat / p.channels; ${ROW}
  var best = p.lowest;
  for (var i = 0u; i < p.kh; i++) {
    for (var j = 0u; j < p.kw; j++) {
      let at = pixelAt(b, oy, ox, i, j);
      if (at != ${NONE}u) { best = max(best, x[at * p.channels + c]); }
    }
  }
  y[flat] = best;`, '256', PIXEL);

const POOL_BITS = shader(`${GEO}, words: u32, count: u32`, [['x', 'u32'], ['flip', 'u32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  let w = flat % p.words; let row = flat / p.words; ${ROW}
  var all = 0xffffffffu; // units whose every v in the window is below lim
  for (var i = 0u; i < p.kh; i++) {
    for (var j = 0u; j < p.kw; j++) {
      let at = pixelAt(b, oy, ox, i, j);
      if (at != ${NONE}u) { all &= x[at * p.words + w] ^ flip[w]; }
    }
  }
  let valid = min(32u, p.channels - 32u * w);
  o[flat] = (all ^ flip[w]) & select((1u << valid) - 1u, 0xffffffffu, valid == 32u);`, '256', PIXEL);

const PIXEL_PAIRS = shader('channels: u32, bytes: u32, count: u32', [['x', 'u32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  ${WORD}
  for (var t = 0u; t < 4u && flat * 4u + t < p.bytes; t++) {
    let e = flat * 4u + t; let px = e / (2u * p.channels); let r = e % (2u * p.channels);
    var v = 0u;
    if (r < p.channels) { v = byteOf(px * p.channels + r); } else { v = 255u - byteOf(px * p.channels + r - p.channels); }
    word |= v << (t * 8u);
  }
  o[flat] = word;`, '256', BYTE_OF);

export function convPackedKernels(q: GpuQueue) {
  const run = (key: string, code: string, bufs: G[], params: number[], count: number) =>
    q.dispatch(key, () => code, bufs, params, grid(indexable(count, key)));
  return {
    im2colBits(x: G, g: ConvGeometry, out: G) {
      const k = g.kh * g.kw * g.channels, words = Math.ceil(k / 32), count = g.batch * g.outH * g.outW * words;
      run('im2colBits', IM2COL_BITS, [x, out], [...geo(g), k, words, Math.ceil(g.channels / 32), count].map(u), count);
    },
    im2colBytes(x: G, g: ConvGeometry, padValue: number, out: G) {
      const k = g.kh * g.kw * g.channels, bytes = g.batch * g.outH * g.outW * k, count = Math.ceil(bytes / 4);
      run('im2colBytes', IM2COL_BYTES, [x, out], [...geo(g), k, bytes, count, padValue].map(u), count);
    },
    maxPoolInt(x: G, g: ConvGeometry, y: G) {
      const count = g.batch * g.outH * g.outW * g.channels;
      run('maxPoolInt', MAX_POOL_INT, [x, y], [...geo(g), u(count), i(-0x80000000)], count);
    },
    poolBits(x: G, g: ConvGeometry, flip: G, out: G) {
      const words = Math.ceil(g.channels / 32), count = g.batch * g.outH * g.outW * words;
      run('poolBits', POOL_BITS, [x, flip, out], [...geo(g), u(words), u(count)], count);
    },
    pixelPairs(x: G, pixels: number, channels: number, out: G) {
      const bytes = 2 * pixels * channels, count = Math.ceil(bytes / 4);
      run('pixelPairs', PIXEL_PAIRS, [x, out], [channels, bytes, count].map(u), count);
    },
  };
}
