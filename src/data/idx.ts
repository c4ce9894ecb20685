import { DataError } from './data-error.js';

/** A parsed IDX file: its dims and its unsigned bytes, row-major. */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const MAX_DIMS = 4;

/** Parse an unsigned-byte IDX file (LeCun's MNIST format): a big-endian header
 *  `00 00 08 <ndims>`, ndims u32 sizes, then product(dims) bytes. Every size is checked against the
 *  buffer before anything is read or allocated, so a bad file gives a DataError naming `file`,
 *  never garbage or a giant allocation. `data` is a view into `bytes`, not a copy.
 *  @example parseIdx(await readFile(path), path)  // → { dims: [60000, 28, 28], data } */
export function parseIdx(bytes: Uint8Array, file: string): Idx {
  const fix = 'Give an unsigned-byte IDX file (the format of the MNIST files).';
  if (bytes.length < 4) {
    throw new DataError(`idx: ${file} is too short to be an IDX file (${bytes.length} bytes, the header alone needs 4). ${fix}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const rank = bytes[3]!;
  // gzip starts 1f 8b: the likeliest mistake is pointing at the .gz downloads, so say so
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' It looks gzip-compressed: gunzip it first.' : '';
  if (bytes[0] !== 0 || bytes[1] !== 0 || rank < 1 || rank > MAX_DIMS) {
    throw new DataError(`idx: ${file} is not an IDX file (magic 0x${hex(magic)}, expected 0x00000801 to 0x00000804).${gz} ${fix}`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new DataError(`idx: ${file} holds IDX type 0x${bytes[2]!.toString(16).padStart(2, '0')}, `
      + `but only unsigned bytes (0x08) are supported (magic 0x${hex(magic)}). ${fix}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(`idx: ${file} is truncated: its ${rank}-dim header needs ${headerBytes} bytes, the file has ${bytes.length}. ${fix}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i);
    if (d === 0) throw new DataError(`idx: ${file} has size 0 in dim ${i} (dims [${dims.concat(d).join(',')}…]). ${fix}`);
    dims.push(d);
  }
  // a double holds the product exactly up to 2^53; anything that large can never equal a real length
  const expected = headerBytes + dims.reduce((n, d) => n * d, 1);
  if (bytes.length < expected) {
    throw new DataError(`idx: ${file} is truncated: dims [${dims.join(',')}] need ${expected} bytes, the file has ${bytes.length}. `
      + `Download it again. ${fix}`);
  }
  if (bytes.length > expected) {
    throw new DataError(`idx: ${file} has ${bytes.length - expected} bytes of trailing data: dims [${dims.join(',')}] need `
      + `${expected} bytes, the file has ${bytes.length}. ${fix}`);
  }
  // a plain Uint8Array even when bytes is a Buffer, whose subarray would stay a Buffer
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected - headerBytes) };
}

function hex(n: number): string { return n.toString(16).padStart(8, '0'); }
