import { inflateSync, constants } from 'node:zlib';
import { DataError } from './data-error.js';

/** A numeric array of a MATLAB 5 MAT-file, as stored: column-major, `data` a view of the file's
 *  bytes when the element is uint8 (class and storage), else converted to float64. */
export interface Mat5Array {
  name: string;
  /** MATLAB class number: 6 double, 7 single, 8 int8, 9 uint8, 10 int16, 11 uint16, 12 int32, 13 uint32, 14 int64, 15 uint64. */
  class: number;
  dims: number[];
  data: Uint8Array | Float64Array;
}

export interface Mat5Options {
  /** A compressed element may not inflate past this many bytes (default 4 GiB). */
  maxInflatedBytes?: number;
}

const HEADER = 128;
const MI_MATRIX = 14, MI_COMPRESSED = 15, MI_INT8 = 1, MI_UINT8 = 2, MI_INT32 = 5, MI_UINT32 = 6;
/** Bytes per value of each numeric data type (miINT8 … miUINT64). */
const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };
/** deflate cannot expand a stream by more than about 1032:1, so a larger claim is a lie or a bomb. */
const DEFLATE_MAX_RATIO = 1032;
const HEAD_DEFLATED = 4096;
const FIX = 'It is truncated or damaged, or not a MATLAB 5 (-v6/-v7) MAT-file (-v7.3 files are HDF5 and not read here): download it again.';

interface Tag { type: number; bytes: number; at: number; next: number }

/** The numeric arrays of a Level 5 MAT-file (header, tags, small elements, miMATRIX, miCOMPRESSED),
 *  every size checked against the file before anything is allocated; other classes (cells, structs,
 *  text, sparse) are skipped.
 *  @example parseMat5(await readFile('test_32x32.mat'), 'test_32x32.mat').find((a) => a.name === 'X')!.dims  // → [32, 32, 3, 26032] */
export function parseMat5(bytes: Uint8Array, file: string, opts: Mat5Options = {}): Mat5Array[] {
  const maxInflated = opts.maxInflatedBytes ?? 2 ** 32;
  if (bytes.length < HEADER) throw new DataError(`mat5: ${file} holds ${bytes.length} bytes, less than the 128-byte MAT-file header. ${FIX}`);
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian !== 'IM' && endian !== 'MI') throw new DataError(`mat5: ${file} has no MAT-file endian mark at byte 126 (found ${JSON.stringify(endian)}, expected "IM" or "MI"). ${FIX}`);
  const le = endian === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, le);
  if (version !== 0x0100) throw new DataError(`mat5: ${file} is MAT-file version 0x${version.toString(16)}, expected 0x100. ${FIX}`);
  const arrays: Mat5Array[] = [];
  for (let at = HEADER; at < bytes.length;) {
    const tag = readTag(view, at, bytes.length, le, file, 'top-level element');
    if (tag.type === MI_COMPRESSED) {
      const inner = inflate(bytes.subarray(tag.at, tag.at + tag.bytes), file, at, maxInflated, le);
      const v = new DataView(inner.buffer, inner.byteOffset, inner.byteLength);
      const t = readTag(v, 0, inner.length, le, file, `compressed element at byte ${at}`);
      if (t.type === MI_MATRIX) pushMatrix(arrays, inner, v, t, le, file);
      at = tag.at + tag.bytes; // compressed elements are not padded
    } else {
      if (tag.type === MI_MATRIX) pushMatrix(arrays, bytes, view, tag, le, file);
      at = tag.next;
    }
  }
  return arrays;
}

function readTag(v: DataView, at: number, end: number, le: boolean, file: string, what: string): Tag {
  if (at + 8 > end) throw new DataError(`mat5: ${file}: ${what} at byte ${at} has a cut tag (${end - at} of 8 bytes left). ${FIX}`);
  const first = v.getUint32(at, le);
  if (first >>> 16 !== 0) { // small data element: type and size share the first word, data in the second
    const bytes = first >>> 16, type = first & 0xffff;
    if (bytes > 4) throw new DataError(`mat5: ${file}: ${what} at byte ${at} is a small element of ${bytes} bytes (at most 4). ${FIX}`);
    return { type, bytes, at: at + 4, next: at + 8 };
  }
  const bytes = v.getUint32(at + 4, le);
  if (bytes > end - at - 8) throw new DataError(`mat5: ${file}: ${what} at byte ${at} (type ${first}) claims ${bytes} bytes but ${end - at - 8} remain. ${FIX}`);
  return { type: first, bytes, at: at + 8, next: Math.min(end, at + 8 + Math.ceil(bytes / 8) * 8) };
}

/** A compressed element, inflated only after the size its matrix header declares is checked. */
function inflate(deflated: Uint8Array, file: string, at: number, maxInflated: number, le: boolean): Uint8Array {
  const fail = (why: string): never => { throw new DataError(`mat5: ${file}: the compressed element at byte ${at} ${why}. ${FIX}`); };
  let head: Buffer;
  try {
    // a prefix is enough for the tag (a dynamic block's code tables fit well within it), and bounded
    head = inflateSync(deflated.subarray(0, HEAD_DEFLATED), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: HEAD_DEFLATED * DEFLATE_MAX_RATIO });
  } catch (e) { return fail(`does not inflate (${(e as Error).message})`); }
  if (head.length < 8) return fail('inflates to less than one element tag');
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const declared = (hv.getUint32(0, le) >>> 16) !== 0 ? 8 : 8 + hv.getUint32(4, le);
  if (declared > maxInflated) fail(`declares ${declared} bytes, more than the ${maxInflated} allowed (maxInflatedBytes)`);
  if (declared > deflated.length * DEFLATE_MAX_RATIO + 64) fail(`declares ${declared} bytes, more than its ${deflated.length} compressed bytes can hold`);
  let out: Buffer;
  try {
    out = inflateSync(deflated, { maxOutputLength: Math.max(1, Math.ceil(declared / 8) * 8) });
  } catch (e) { return fail(`does not inflate to the ${declared} bytes it declares (${(e as Error).message})`); }
  if (out.length < declared) fail(`inflates to ${out.length} bytes but declares ${declared}`);
  return out;
}

/** The array of a miMATRIX element when it is numeric and real; checked sub-element by sub-element. */
function pushMatrix(arrays: Mat5Array[], bytes: Uint8Array, v: DataView, m: Tag, le: boolean, file: string): void {
  const end = m.at + m.bytes, where = `the matrix at byte ${m.at - 8}`;
  const sub = (at: number, what: string) => readTag(v, at, end, le, file, `${where}: ${what}`);
  const flags = sub(m.at, 'array flags');
  if (flags.type !== MI_UINT32 || flags.bytes !== 8) throw new DataError(`mat5: ${file}: ${where} has array flags of type ${flags.type}, ${flags.bytes} bytes (expected miUINT32, 8). ${FIX}`);
  const word = v.getUint32(flags.at, le), cls = word & 0xff, complex = (word & 0x800) !== 0;
  if (cls < 6 || cls > 15) return; // cell, struct, object, char, sparse: not numeric data
  const dimsTag = sub(flags.next, 'dimensions');
  if (dimsTag.type !== MI_INT32 || dimsTag.bytes < 8 || dimsTag.bytes % 4) throw new DataError(`mat5: ${file}: ${where} has dimensions of type ${dimsTag.type}, ${dimsTag.bytes} bytes (expected miINT32, at least 2 dimensions). ${FIX}`);
  const dims: number[] = [];
  for (let k = 0; k < dimsTag.bytes; k += 4) dims.push(v.getInt32(dimsTag.at + k, le));
  if (dims.some((d) => d < 0)) throw new DataError(`mat5: ${file}: ${where} has negative dimensions [${dims.join(', ')}]. ${FIX}`);
  const nameTag = sub(dimsTag.next, 'name');
  if (nameTag.type !== MI_INT8 && nameTag.type !== MI_UINT8) throw new DataError(`mat5: ${file}: ${where} has a name of type ${nameTag.type} (expected miINT8). ${FIX}`);
  const name = String.fromCharCode(...bytes.subarray(nameTag.at, nameTag.at + Math.min(nameTag.bytes, 63)));
  if (complex) throw new DataError(`mat5: ${file}: array '${name}' is complex; only real arrays are read. ${FIX}`);
  const real = sub(nameTag.next, `real part of '${name}'`);
  const size = TYPE_BYTES[real.type];
  if (size === undefined) throw new DataError(`mat5: ${file}: array '${name}' stores its data as type ${real.type}, not a numeric type. ${FIX}`);
  const count = dims.reduce((n, d) => n * d, 1);
  if (count * size !== real.bytes) {
    throw new DataError(`mat5: ${file}: array '${name}' of dimensions [${dims.join(', ')}] needs ${count} × ${size} bytes but holds ${real.bytes}. ${FIX}`);
  }
  arrays.push({ name, class: cls, dims, data: values(bytes, v, real, size, le) });
}

function values(bytes: Uint8Array, v: DataView, t: Tag, size: number, le: boolean): Uint8Array | Float64Array {
  if (t.type === MI_UINT8) return bytes.subarray(t.at, t.at + t.bytes);
  const n = t.bytes / size, out = new Float64Array(n);
  const get: (at: number) => number = ({
    1: (at: number) => v.getInt8(at), 3: (at: number) => v.getInt16(at, le), 4: (at: number) => v.getUint16(at, le),
    5: (at: number) => v.getInt32(at, le), 6: (at: number) => v.getUint32(at, le), 7: (at: number) => v.getFloat32(at, le),
    9: (at: number) => v.getFloat64(at, le), 12: (at: number) => Number(v.getBigInt64(at, le)), 13: (at: number) => Number(v.getBigUint64(at, le)),
  } as Record<number, (at: number) => number>)[t.type]!;
  for (let i = 0; i < n; i++) out[i] = get(t.at + i * size);
  return out;
}
