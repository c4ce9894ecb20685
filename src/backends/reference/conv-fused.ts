import type { ConvGeometry } from '../kernels.js';
import { gemmSignB } from './gemm-sign-b.js';
import { col2im } from './im2col.js';

/** The unfused composition: the whole column matrix dy·S, then col2im. */
export function conv2dSignBackwardInput(dy: Float32Array, wCols: Uint32Array, n: number, g: ConvGeometry, dx: Float32Array): void {
  const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW, cols = new Float32Array(m * k);
  gemmSignB(dy, wCols, cols, m, k, n, false);
  col2im(cols, g, dx);
}
