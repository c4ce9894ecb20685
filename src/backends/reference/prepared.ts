import type { HostKernels, Prepared, PreparedKind } from '../kernels.js';
import { im2colBits, im2colBytes } from './packed-conv.js';
import { pixelSignGemm } from './pixel-sign-gemm.js';
import { thresholdPack } from './threshold-pack.js';
import { xnorGemm } from './xnor-gemm.js';

/** The reference backend's prepared layouts are the packed rows themselves (copied, so the
 *  caller may free its own): its products read them as the plain kernels do. */
interface Rows { rows: Uint32Array; n: number; k: number }
interface Thresholded { weights: Rows; lim: Int32Array; flip: Uint32Array }
interface PixelThresholded extends Thresholded { base: Int32Array; scale: number }

const handle = <W extends PreparedKind>(layout: Rows | Thresholded | PixelThresholded): Prepared<W> => layout as unknown as Prepared<W>;
const layout = <T>(p: Prepared<PreparedKind>): T => p as unknown as T;

export const prepareBinaryWeights: HostKernels['prepareBinaryWeights'] = (b, n, k) =>
  handle({ rows: b.slice(0, n * Math.ceil(k / 32)), n, k });

export const binaryProduct: HostKernels['binaryProduct'] = (a, w, c, m) => {
  const { rows, n, k } = layout<Rows>(w);
  xnorGemm(a, rows, c, m, n, k);
};

export const prepareBinaryThreshold: HostKernels['prepareBinaryThreshold'] = (w, lim, flip) => {
  const weights = layout<Rows>(w);
  return handle({ weights, lim: lim.slice(0, weights.n), flip: flip.slice(0, Math.ceil(weights.n / 32)) });
};

/** The product in full, then thresholdPack: what the fused kernels must equal. */
export const binaryThreshold: HostKernels['binaryThreshold'] = (a, t, out, m) => {
  const { weights: { rows, n, k }, lim, flip } = layout<Thresholded>(t);
  const c = new Int32Array(m * n);
  xnorGemm(a, rows, c, m, n, k);
  thresholdPack(c, m, n, null, 1, lim, flip, out);
};

/** im2colBits into cols, then binaryThreshold on its rows: the definition. */
export const convThreshold: HostKernels['convThreshold'] = (x, g, t, cols, out) => {
  im2colBits(x, g, cols);
  binaryThreshold(cols, t, out, g.batch * g.outH * g.outW);
};

export const preparePixelWeights: HostKernels['preparePixelWeights'] = (s, n, k) =>
  handle({ rows: s.slice(0, n * Math.ceil(k / 32)), n, k });

export const pixelProduct: HostKernels['pixelProduct'] = (x, w, c, m) => {
  const { rows, n, k } = layout<Rows>(w);
  pixelSignGemm(x, rows, c, m, n, k);
};

export const preparePixelThreshold: HostKernels['preparePixelThreshold'] = (w, base, scale, lim, flip) => {
  const weights = layout<Rows>(w);
  return handle({ weights, base: base.slice(0, weights.n), scale, lim: lim.slice(0, weights.n), flip: flip.slice(0, Math.ceil(weights.n / 32)) });
};

/** The pixel product in full, then thresholdPack: what the fused kernels must equal. */
export const pixelThreshold: HostKernels['pixelThreshold'] = (x, t, out, m) => {
  const { weights: { rows, n, k }, base, scale, lim, flip } = layout<PixelThresholded>(t);
  const c = new Int32Array(m * n);
  pixelSignGemm(x, rows, c, m, n, k);
  thresholdPack(c, m, n, base, scale, lim, flip, out);
};

/** Plain arrays: garbage collection gives them back. */
export const freePrepared: HostKernels['freePrepared'] = () => {};

/** im2colBytes into bytes, then pixelThreshold on its rows: the definition. */
export const pixelConvThreshold: HostKernels['pixelConvThreshold'] = (x, g, padValue, t, bytes, out) => {
  im2colBytes(x, g, padValue, bytes);
  pixelThreshold(bytes, t, out, g.batch * g.outH * g.outW);
};
