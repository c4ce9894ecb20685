import type { ConvGeometry } from '../kernels.js';
import { blocks } from './gemm.js';
import type { GpuQueue } from './gpu-queue.js';
import { f, grid, MAX_GROUPS, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { WebGpuError } from './webgpu-error.js';
import { shader } from './wgsl.js';
import { XNOR_BLOCK, XNOR_TILES } from './xnor-gemm.js';

// The conv-training kernels over NHWC images (reference/im2col.ts, max-pool.ts, conv-fused.ts,
// transpose-bits.ts). Every output element has one invocation that gathers what it needs, so no
// float atomics are needed and each sum runs in a fixed order: an input element's readers are
// visited in increasing row order, the reference's order (its sums are float64, these float32).
// The column matrix of the sign backward is never made: each dx element sums dy·S over its readers.

export const GEO = 'batch: u32, height: u32, width: u32, channels: u32, kh: u32, kw: u32, stride: u32, padTop: u32, padLeft: u32, outH: u32, outW: u32';
export const geo = (g: ConvGeometry): number[] =>
  [g.batch, g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW].map(u);
export const NONE = 0xffffffff;

/** The index of x[b, oy·stride + i − padTop, ox·stride + j − padLeft, 0], or NONE in the padding. */
const TAP = `
fn tapAt(b: u32, oy: u32, ox: u32, i: u32, j: u32) -> u32 {
  let yy = i32(oy * p.stride + i) - i32(p.padTop); let xx = i32(ox * p.stride + j) - i32(p.padLeft);
  if (yy < 0 || yy >= i32(p.height) || xx < 0 || xx >= i32(p.width)) { return ${NONE}u; }
  return ((b * p.height + u32(yy)) * p.width + u32(xx)) * p.channels;
}`;

/** WGSL running `body` for each window that reads input element `flat` (b, yy, xx, c): `row`
 *  = (b, oy, ox) in increasing order and the tap (i, j); windows that would need the element at
 *  a position off the stride grid, or outside outH × outW, do not read it. */
const readers = (body: string): string => `
  let c = flat % p.channels; let px = flat / p.channels;
  let xx = px % p.width; let yy = (px / p.width) % p.height; let b = px / (p.width * p.height);
  for (var ii = 0u; ii < p.kh; ii++) {
    let i = p.kh - 1u - ii; let ty = i32(yy + p.padTop) - i32(i); // i falling: oy rising
    if (ty < 0 || u32(ty) % p.stride != 0u || u32(ty) / p.stride >= p.outH) { continue; }
    for (var jj = 0u; jj < p.kw; jj++) {
      let j = p.kw - 1u - jj; let tx = i32(xx + p.padLeft) - i32(j);
      if (tx < 0 || u32(tx) % p.stride != 0u || u32(tx) / p.stride >= p.outW) { continue; }
      let row = (b * p.outH + u32(ty) / p.stride) * p.outW + u32(tx) / p.stride;
      ${body}
    }
  }`;

const IM2COL = shader(`${GEO}, k: u32, count: u32, padValue: f32`, [['x', 'f32'], ['o', 'f32']], `
  if (flat >= p.count) { return; }
  let row = flat / p.k; let pc = flat % p.k; let tap = pc / p.channels;
  let ox = row % p.outW; let oy = (row / p.outW) % p.outH; let b = row / (p.outW * p.outH);
  let at = tapAt(b, oy, ox, tap / p.kw, tap % p.kw);
  if (at == ${NONE}u) { o[flat] = p.padValue; } else { o[flat] = x[at + pc % p.channels]; }`, '256', TAP);

const COL2IM = shader(`${GEO}, k: u32, count: u32`, [['cols', 'f32'], ['dx', 'f32']], `
  if (flat >= p.count) { return; }
  var sum = 0.0;${readers('sum += cols[row * p.k + (i * p.kw + j) * p.channels + c];')}
  dx[flat] = sum;`);

// One invocation per output word; bit 1 where x < 0 (false for -0 and in the padding: +1).
const IM2COL_SIGNS = shader(`${GEO}, k: u32, words: u32, count: u32`, [['x', 'f32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  let row = flat / p.words; let p0 = (flat % p.words) * 32u;
  let ox = row % p.outW; let oy = (row / p.outW) % p.outH; let b = row / (p.outW * p.outH);
  var bits = 0u; var tap = p0 / p.channels; var c = p0 % p.channels;
  var at = tapAt(b, oy, ox, tap / p.kw, tap % p.kw);
  for (var bit = 0u; bit < 32u && p0 + bit < p.k; bit++) {
    if (c == p.channels) { c = 0u; tap++; at = tapAt(b, oy, ox, tap / p.kw, tap % p.kw); }
    if (at != ${NONE}u && x[at + c] < 0.0) { bits |= 1u << bit; }
    c++;
  }
  o[flat] = bits;`, '256', TAP);

// xnorGemm's tiles with the products stored as floats (exact below 2^24, as the reference's).
// Row blocks past MAX_GROUPS go on in z: block row = wid.y + wid.z·nwg.y.
const XNOR_FLOAT = shader('m: u32, n: u32, k: u32, words: u32', [['a', 'u32'], ['b', 'u32'], ['c', 'f32']], `${XNOR_BLOCK}
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.m) { continue; }
    for (var s = 0u; s < 4u; s++) {
      let j = col0 + lid.x * 4u + s;
      if (j < p.n) { c[i * p.n + j] = f32(i32(p.k) - 2 * i32(differ[r * 4u + s])); }
    }
  }`, '16, 16', XNOR_TILES);

// dx = col2im(dy·S): each dx element sums, over its readers, column pc of dy·S for that row,
// the column first (n terms, as gemmSignB makes it), then the columns in row order.
const SIGN_BACKWARD = shader(`${GEO}, n: u32, nWords: u32, count: u32`, [['dy', 'f32'], ['w', 'u32'], ['dx', 'f32']], `
  if (flat >= p.count) { return; }
  var sum = 0.0;${readers(`let pc = (i * p.kw + j) * p.channels + c;
      var col = 0.0;
      for (var wi = 0u; wi < p.nWords; wi++) {
        let bits = w[pc * p.nWords + wi]; let j0 = wi * 32u;
        for (var t = 0u; t < 32u && j0 + t < p.n; t++) {
          let v = dy[row * p.n + j0 + t];
          col += select(v, -v, ((bits >> t) & 1u) != 0u);
        }
      }
      sum += col;`)}
  dx[flat] = sum;`);

const TRANSPOSE_BITS = shader('rows: u32, cols: u32, inWords: u32, outWords: u32, count: u32', [['x', 'u32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  let col = flat / p.outWords; let r0 = (flat % p.outWords) * 32u;
  var bits = 0u;
  for (var t = 0u; t < 32u && r0 + t < p.rows; t++) {
    bits |= ((x[(r0 + t) * p.inWords + col / 32u] >> (col % 32u)) & 1u) << t;
  }
  o[flat] = bits;`);

// The first maximum wins; a NaN is taken and kept (as the reference's), tested on the bits since
// WGSL gives no guarantee for NaN comparisons. A window all in the padding gives -inf (`empty`:
// WGSL has no infinite constants), -1.
const IS_NAN = 'fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }';
const MAX_POOL = shader(`${GEO}, count: u32, empty: f32`, [['x', 'f32'], ['y', 'f32'], ['arg', 'i32']], `
  if (flat >= p.count) { return; }
  let c = flat % p.channels; let row = flat / p.channels;
  let ox = row % p.outW; let oy = (row / p.outW) % p.outH; let b = row / (p.outW * p.outH);
  var best = p.empty; var bestAt = -1;
  for (var i = 0u; i < p.kh; i++) {
    for (var j = 0u; j < p.kw; j++) {
      let at = tapAt(b, oy, ox, i, j);
      if (at == ${NONE}u) { continue; }
      let v = x[at + c];
      if (bestAt < 0 || v > best || (isNan(v) && !isNan(best))) { best = v; bestAt = i32(at + c); }
    }
  }
  y[flat] = best; arg[flat] = bestAt;`, '256', `${TAP}\n${IS_NAN}`);

// maxPool2dBackward knows the geometry only of the argmax its own maxPool2d wrote. Then each dx
// element gathers dy over the windows that hold it, in output order: the reference's float32
// sums, bit for bit. CHECK first flags any argmax outside its window (the storage may have been
// rewritten since); where flagged, or the geometry is unknown, dx is zeroed and dy added by a
// compare-and-swap loop on the float's bits instead (any summation order, WGSL has no float atomics).
const FLAG = (at: number): string => `@group(0) @binding(${at}) var<storage, read_write> flag: array<atomic<u32>>;`;
const POOL_CHECK = shader(`${GEO}, count: u32`, [['arg', 'i32']], `
  if (flat >= p.count) { return; }
  let e = arg[flat];
  if (e < 0) { return; }
  let c = flat % p.channels; let row = flat / p.channels;
  let ox = row % p.outW; let oy = (row / p.outW) % p.outH; let b = row / (p.outW * p.outH);
  let ue = u32(e); let px = ue / p.channels; let ex = px % p.width; let ey = (px / p.width) % p.height;
  let dy = i32(ey) - (i32(oy * p.stride) - i32(p.padTop)); let dxx = i32(ex) - (i32(ox * p.stride) - i32(p.padLeft));
  if (ue % p.channels != c || px / (p.width * p.height) != b || dy < 0 || dy >= i32(p.kh) || dxx < 0 || dxx >= i32(p.kw)) {
    atomicOr(&flag[0], 1u);
  }`, '256', FLAG(2));
const POOL_GATHER = shader(`${GEO}, count: u32`, [['dy', 'f32'], ['arg', 'i32'], ['dx', 'f32']], `
  if (flat >= p.count || atomicLoad(&flag[0]) != 0u) { return; }
  var sum = 0.0;${readers('let o = row * p.channels + c; if (arg[o] == i32(flat)) { sum += dy[o]; }')}
  dx[flat] = sum;`, '256', FLAG(4));
const POOL_ZERO = shader('count: u32, always: u32', [['dx', 'f32']], `
  if (flat >= p.count || (p.always == 0u && atomicLoad(&flag[0]) == 0u)) { return; }
  dx[flat] = 0.0;`, '256', FLAG(2));
const POOL_SCATTER = shader('count: u32, always: u32, dxLength: u32', [['dy', 'f32'], ['arg', 'i32']], `
  if (flat >= p.count || (p.always == 0u && atomicLoad(&flag[0]) == 0u)) { return; }
  let e = arg[flat];
  if (e < 0 || u32(e) >= p.dxLength) { return; }
  var old = atomicLoad(&dx[e]);
  loop {
    let r = atomicCompareExchangeWeak(&dx[e], old, bitcast<u32>(bitcast<f32>(old) + dy[flat]));
    if (r.exchanged) { break; }
    old = r.old_value;
  }`, '256', `${FLAG(3)}\n@group(0) @binding(4) var<storage, read_write> dx: array<atomic<u32>>;`);

/** Invocation indices are u32: a count past that is refused rather than wrapped. */
export function indexable(count: number, what: string): number {
  if (count > 2 ** 32 - 1) {
    throw new WebGpuError(`webgpu: ${what} needs ${count} invocations, more than 32-bit indices reach; split the batch.`);
  }
  return count;
}

/** 64×64 blocks of [m, n], the row blocks split over y and z past MAX_GROUPS. */
function blocksZ(m: number, n: number): [number, number, number] {
  const [x, rows] = blocks(m, n);
  const z = Math.ceil(rows / MAX_GROUPS);
  return [x, Math.ceil(rows / z), z];
}

export function convKernels(q: GpuQueue) {
  const run = (key: string, code: string, bufs: G[], params: number[], count: number) =>
    q.dispatch(key, () => code, bufs, params, grid(indexable(count, key)));
  /** The geometry each argmax storage was last written with by maxPool2d. */
  const pools = new WeakMap<G, ConvGeometry>();
  const kernels = {
    im2col(x: G, g: ConvGeometry, padValue: number, out: G) {
      const k = g.kh * g.kw * g.channels, count = g.batch * g.outH * g.outW * k;
      run('im2col', IM2COL, [x, out], [...geo(g), u(k), u(count), f(padValue)], count);
    },
    col2im(cols: G, g: ConvGeometry, dx: G) {
      const count = g.batch * g.height * g.width * g.channels;
      run('col2im', COL2IM, [cols, dx], [...geo(g), u(g.kh * g.kw * g.channels), u(count)], count);
    },
    im2colPackSigns(x: G, g: ConvGeometry, out: G) {
      const k = g.kh * g.kw * g.channels, words = Math.ceil(k / 32), count = g.batch * g.outH * g.outW * words;
      run('im2colPackSigns', IM2COL_SIGNS, [x, out], [...geo(g), u(k), u(words), u(count)], count);
    },
    transposeBits(x: G, rows: number, cols: number, out: G) {
      const inWords = Math.ceil(cols / 32), outWords = Math.ceil(rows / 32), count = cols * outWords;
      run('transposeBits', TRANSPOSE_BITS, [x, out], [rows, cols, inWords, outWords, count].map(u), count);
    },
    conv2dBinaryForward(x: G, wRows: G, n: number, g: ConvGeometry, colSigns: G, y: G) {
      const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW;
      kernels.im2colPackSigns(x, g, colSigns);
      indexable(m * n, 'conv2dBinaryForward');
      q.dispatch('conv2dBinaryForward', () => XNOR_FLOAT, [colSigns, wRows, y], [m, n, k, Math.ceil(k / 32)].map(u), blocksZ(m, n));
    },
    conv2dSignBackwardInput(dy: G, wCols: G, n: number, g: ConvGeometry, dx: G) {
      const count = g.batch * g.height * g.width * g.channels;
      run('conv2dSignBackwardInput', SIGN_BACKWARD, [dy, wCols, dx], [...geo(g), u(n), u(Math.ceil(n / 32)), u(count)], count);
    },
    maxPool2d(x: G, g: ConvGeometry, y: G, argmax: G) {
      const count = g.batch * g.outH * g.outW * g.channels;
      run('maxPool2d', MAX_POOL, [x, y, argmax], [...geo(g), u(count), f(-Infinity)], count);
      pools.set(argmax, g);
    },
    maxPool2dBackward(dy: G, argmax: G, count: number, dx: G, xSize: number) {
      const g = pools.get(argmax);
      const known = g !== undefined && g.batch * g.outH * g.outW * g.channels === count && g.batch * g.height * g.width * g.channels === xSize;
      const flag = q.alloc('u32', 1);
      if (known) {
        run('maxPoolCheck', POOL_CHECK, [argmax, flag], [...geo(g), u(count)], count);
        run('maxPoolGather', POOL_GATHER, [dy, argmax, dx, flag], [...geo(g), u(xSize)], xSize);
      }
      run('maxPoolZero', POOL_ZERO, [dx, flag], [u(xSize), u(known ? 0 : 1)], xSize);
      run('maxPoolScatter', POOL_SCATTER, [dy, argmax, flag, dx], [u(count), u(known ? 0 : 1), u(dx.length)], count);
      q.free(flag);
    },
  };
  return kernels;
}
