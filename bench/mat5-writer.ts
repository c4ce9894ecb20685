// A small MATLAB 5 MAT-file writer, for the tests and fuzzers of the reader (src/data/mat5.ts):
// SVHN ships with no package, so its files are made here in the same format.
import { deflateSync } from 'node:zlib';

export interface MatVar { name: string; class: 'uint8' | 'double'; dims: number[]; data: ArrayLike<number> }

const MI_INT8 = 1, MI_UINT8 = 2, MI_INT32 = 5, MI_UINT32 = 6, MI_DOUBLE = 9, MI_MATRIX = 14, MI_COMPRESSED = 15;

/** A Level 5 MAT-file holding `vars`, each element compressed or not, little- or big-endian. */
export function writeMat5(vars: MatVar[], opts: { compress?: boolean; bigEndian?: boolean } = {}): Uint8Array {
  const le = !opts.bigEndian;
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by lowbit tests'));
  const hv = new DataView(header.buffer);
  hv.setUint16(124, 0x0100, le);
  header[126] = le ? 0x49 : 0x4d; header[127] = le ? 0x4d : 0x49; // 'IM' read little-endian
  const parts: Uint8Array[] = [header];
  for (const v of vars) {
    const m = element(MI_MATRIX, concat(matrixBody(v, le)), le);
    parts.push(opts.compress ? tag(MI_COMPRESSED, deflateSync(m), le, false) : m);
  }
  return concat(parts);
}

function matrixBody(v: MatVar, le: boolean): Uint8Array[] {
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, v.class === 'uint8' ? 9 : 6, le);
  const dims = new Uint8Array(v.dims.length * 4);
  v.dims.forEach((d, k) => new DataView(dims.buffer).setInt32(k * 4, d, le));
  const name = new TextEncoder().encode(v.name);
  let data: Uint8Array;
  if (v.class === 'uint8') data = Uint8Array.from(v.data);
  else { data = new Uint8Array(v.data.length * 8); const dv = new DataView(data.buffer); for (let i = 0; i < v.data.length; i++) dv.setFloat64(i * 8, v.data[i]!, le); }
  return [element(MI_UINT32, flags, le), element(MI_INT32, dims, le), name.length <= 4 ? small(MI_INT8, name, le) : element(MI_INT8, name, le),
    element(v.class === 'uint8' ? MI_UINT8 : MI_DOUBLE, data, le)];
}

function element(type: number, data: Uint8Array, le: boolean): Uint8Array { return tag(type, data, le, true); }

function tag(type: number, data: Uint8Array, le: boolean, pad: boolean): Uint8Array {
  const out = new Uint8Array(8 + (pad ? Math.ceil(data.length / 8) * 8 : data.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, le); dv.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

/** The small data element format: size and type in one word, up to 4 bytes of data in the next. */
function small(type: number, data: Uint8Array, le: boolean): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, (data.length << 16) | type, le);
  out.set(data, 4);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** An SVHN-like file of n images: X uint8 [32, 32, 3, n] column-major, y double [n, 1] in 1..10.
 *  Pixel (row, col, ch) of image i is (i + 3·row + 5·col + 7·ch) mod 256; label i mod 10 + 1. */
export function svhnLike(n: number, opts: { compress?: boolean; bigEndian?: boolean; yClass?: 'uint8' | 'double' } = {}): Uint8Array {
  const x = new Uint8Array(32 * 32 * 3 * n);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < 3; ch++) for (let col = 0; col < 32; col++) for (let row = 0; row < 32; row++) {
    x[((i * 3 + ch) * 32 + col) * 32 + row] = (i + 3 * row + 5 * col + 7 * ch) % 256;
  }
  return writeMat5([
    { name: 'X', class: 'uint8', dims: [32, 32, 3, n], data: x },
    { name: 'y', class: opts.yClass ?? 'double', dims: [n, 1], data: Array.from({ length: n }, (_, i) => (i % 10) + 1) },
  ], opts);
}
