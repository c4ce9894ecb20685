import type { ConvGeometry } from '../kernels.js';
import { gemmSignB } from './gemm-sign-b.js';
import { intToFloat } from './elementwise.js';
import { col2im, im2colPackSigns } from './im2col.js';
import { xnorGemm } from './xnor-gemm.js';

/** The unfused composition: the whole column matrix dy·S, then col2im. */
export function conv2dSignBackwardInput(dy: Float32Array, wCols: Uint32Array, n: number, g: ConvGeometry, dx: Float32Array): void {
  const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW, cols = new Float32Array(m * k);
  gemmSignB(dy, wCols, cols, m, k, n, false);
  col2im(cols, g, dx);
}

/** The unfused composition: the packed columns, their integer products, then floats. */
export function conv2dBinaryForward(x: Float32Array, wRows: Uint32Array, n: number, g: ConvGeometry, colSigns: Uint32Array, y: Float32Array): void {
  const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW, prod = new Int32Array(m * n);
  im2colPackSigns(x, g, colSigns);
  xnorGemm(colSigns, wRows, prod, m, n, k);
  intToFloat(prod, y);
}
