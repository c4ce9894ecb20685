import { defineOp } from '../autograd/define-op.js';
import { shapeMismatch } from '../errors/shape-error.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor, f32 } from '../tensor/tensor.js';
import { convGeometry, type Padding } from './conv-geometry.js';

/** How the product runs:
 *  'float'      x·w with both float (already quantized, or a float twin): im2col + gemm;
 *  'signWeight' x float, w latent read by its sign: im2col + gemmSignB (a first layer on pixels);
 *  'binary'     x ±1 and w read by its sign: im2colPackSigns + xnorGemm in one kernel
 *               (conv2dBinaryForward), exact integers, the padding +1 (bit 0) as packed inference
 *               has it (DESIGN.md). */
export type ConvMode = 'float' | 'signWeight' | 'binary';

export interface Conv2dAttrs {
  mode: ConvMode;
  stride: number;
  padding: Padding;
  /** The value of the padding: 0 for float inputs, 1 for ±1 inputs ('binary' always pads +1). */
  padValue: number;
  /** Sign modes: w's straight-through gradient is cancelled where |w| > clip (QNN-SPEC §2.1);
   *  null: no mask (w is ±1 already). */
  clip: number | null;
}

/** 2-d convolution (cross-correlation) of NHWC x [batch, H, W, C] with w [out, kh, kw, C] (a
 *  row of w is ordered as a row of im2col: kh·kw·C, C fastest): y [batch, outH, outW, out].
 *  Backward: dx = col2im(dy·q(w)) and dw = dyᵀ·im2col(x) (of the signs in 'binary' mode), products
 *  with one ±1 operand in the sign modes; dx is the plain straight-through one in 'binary' mode
 *  (x is expected to be ±1 already, as binaryMatmulT). */
const conv2dOp = defineOp<Conv2dAttrs>({
  name: 'conv2d',
  forward: ({ kernels, attrs, saved, empty, output }, [x, w]) => {
    if (w!.rank !== 4) throw new LowbitError(`conv2d: kernel must be [out, kh, kw, channels], got [${w!.shape}]`);
    const [n, kh, kw, c] = w!.shape as [number, number, number, number];
    if (x!.rank === 4 && x!.shape[3] !== c) throw shapeMismatch('conv2d', x!.shape, w!.shape, `input channels (dim 3 of both: ${x!.shape[3]} vs ${c})`);
    const g = convGeometry('conv2d', x!.shape, kh, kw, attrs.stride, attrs.padding), m = g.batch * g.outH * g.outW, k = kh * kw * c;
    const y = output([g.batch, g.outH, g.outW, n]); // every kernel below writes all of y
    saved.geometry = g;
    if (attrs.mode === 'binary') {
      const pa = output([m, k], 'bits'), pb = empty([n, k], 'bits');
      kernels.packRows(f32(w!), pb.storage, n, k);
      kernels.conv2dBinaryForward(f32(x!), pb.storage, n, g, pa.storage, y.storage);
      saved.colSigns = pa; // the weight gradient reads it down its columns
      return y;
    }
    const cols = output([m, k]);
    kernels.im2col(f32(x!), g, attrs.padValue, cols.storage);
    saved.cols = cols;
    if (attrs.mode === 'float') {
      kernels.gemm(cols.storage, f32(w!), y.storage, m, n, k, false, true, false);
    } else {
      const pb = empty([n, k], 'bits');
      kernels.packRows(f32(w!), pb.storage, n, k);
      kernels.gemmSignB(cols.storage, pb.storage, y.storage, m, n, k, false);
    }
    return y;
  },
  backward: ({ kernels, attrs, saved, empty, output }, dy, [x, w]) => {
    const g = saved.geometry as ReturnType<typeof convGeometry>;
    const n = w!.shape[0]!, k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW;
    const signs = attrs.mode !== 'float';
    let dx: Tensor | null = null, dw: Tensor | null = null;
    if (x!.requiresGrad) {
      dx = output(x!.shape); // both paths write all of dx (zeroing it first where they add)
      if (signs) { // col2im(dy[m,n]·sign(w)[n,k]) in one kernel: w packed down its columns (along n)
        const wCols = empty([k, n], 'bits');
        kernels.packCols(f32(w!), wCols.storage, n, k);
        kernels.conv2dSignBackwardInput(dy.storage, wCols.storage, n, g, dx.storage);
      } else {
        const dcols = output([m, k]);
        kernels.gemm(dy.storage, f32(w!), dcols.storage, m, k, n, false, false, false);
        kernels.col2im(dcols.storage, g, dx.storage);
      }
    }
    if (w!.requiresGrad) {
      // as large as the weights: persistent storage, as binaryMatmulT's weight gradient
      dw = new Tensor(kernels.alloc('f32', n * k, true), w!.shape, 'float32', kernels);
      if (attrs.mode === 'binary') { // dw[n,k] = dyᵀ[n,m]·sign(cols)[m,k]: the forward's packed signs, padding +1
        const colBits = empty([k, m], 'bits');
        kernels.transposeBits((saved.colSigns as Tensor<'bits'>).storage, m, k, colBits.storage);
        kernels.gemmSignB(dy.storage, colBits.storage, dw.storage, n, k, m, false, true);
      } else {
        kernels.gemm(dy.storage, (saved.cols as Tensor).storage, dw.storage, n, k, m, true, false, false);
      }
      if (signs && attrs.clip !== null && attrs.clip !== Infinity) kernels.passInside(dw.storage, f32(w!), dw.storage, -attrs.clip, attrs.clip);
    }
    return [dx, dw];
  },
});

/** @example conv2d(signSte(x), weight, { mode: 'binary', stride: 1, padding: 'same', padValue: 1, clip: 1 }) */
export const conv2d = (x: Tensor, w: Tensor, attrs: Conv2dAttrs): Tensor => conv2dOp([x, w], attrs) as Tensor;
