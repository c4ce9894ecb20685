import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor } from './tensor.js';

/** Pack the signs of a float tensor along its last axis into a `bits` tensor of the same logical
 *  shape (bit 1 = -1, sign(0) = +1, DESIGN.md). @example packSigns(tensor([[0.5, -2, 0]])).dataSync() // [2] */
export function packSigns(x: Tensor): Tensor<'bits'> {
  if (x.rank === 0) throw new LowbitError('packSigns: needs at least one axis to pack along');
  const k = x.shape[x.rank - 1]!, rows = k === 0 ? 0 : x.size / k;
  const out = Tensor.empty(x.shape, 'bits', x.backend);
  x.backend.packRows(x.storage, out.storage, rows, k);
  return out;
}

/** The ±1 float values of a packed tensor (read back from its backend: a debugging aid, not a kernel). */
export async function unpackSigns(b: Tensor<'bits'>): Promise<Tensor> {
  const k = b.shape[b.rank - 1] ?? 0, words = Math.ceil(k / 32), rows = k === 0 ? 0 : b.size / k, bits = await b.data();
  const out = new Float32Array(b.size);
  for (let r = 0; r < rows; r++) for (let i = 0; i < k; i++) {
    out[r * k + i] = (bits[r * words + (i >>> 5)]! >>> (i & 31)) & 1 ? -1 : 1;
  }
  return new Tensor(out, b.shape, 'float32', b.backend);
}
