import type { ConvGeometry } from '../backends/kernels.js';
import { LowbitError } from '../errors/lowbit-error.js';

/** 'valid': windows inside the image only; 'same': outH = ceil(H/stride), padded evenly (one more
 *  row/column after than before when the padding is odd, as TensorFlow does). */
export type Padding = 'same' | 'valid';

/** Where a kh × kw window with `stride` and `padding` moves over x [batch, H, W, C]; checks the
 *  sizes once, naming `op`, so the kernels can trust them. */
export function convGeometry(op: string, xShape: readonly number[], kh: number, kw: number, stride: number, padding: Padding): ConvGeometry {
  if (xShape.length !== 4) throw new LowbitError(`${op}: input must be NHWC [batch, height, width, channels], got [${xShape}]`);
  if (!Number.isInteger(kh) || kh < 1 || !Number.isInteger(kw) || kw < 1) throw new LowbitError(`${op}: window must be positive integers, got ${kh}×${kw}`);
  if (!Number.isInteger(stride) || stride < 1) throw new LowbitError(`${op}: stride must be a positive integer, got ${stride}`);
  if (padding !== 'same' && padding !== 'valid') throw new LowbitError(`${op}: padding must be 'same' or 'valid', got ${JSON.stringify(padding)}`);
  const [batch, height, width, channels] = xShape as [number, number, number, number];
  const along = (size: number, k: number, what: string): [number, number] => {
    if (padding === 'same') {
      const out = Math.ceil(size / stride);
      return [out, Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2)];
    }
    if (size < k) throw new LowbitError(`${op}: a ${kh}×${kw} window does not fit the input's ${what} ${size} with 'valid' padding; use 'same' or a larger input`);
    return [Math.floor((size - k) / stride) + 1, 0];
  };
  const [outH, padTop] = along(height, kh, 'height'), [outW, padLeft] = along(width, kw, 'width');
  return { batch, height, width, channels, kh, kw, stride, padTop, padLeft, outH, outW };
}
