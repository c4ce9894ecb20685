// Fused conv-training kernels. conv2dSignBackwardInput: the column matrix of a layer is made a
// tile of rows at a time in a thread's scratch and folded into dx at once, so it is never written
// out whole (a CNV layer's is 180 MB) nor read back. conv2dBinaryProduct: the binary forward's
// integer products turned into floats where they are, not by a pass in JS.
import { gemmSignLut, gemmSignLutScratchBytes, SPLIT_ROWS } from './gemm-sign-lut';
import { addColumns } from './im2col';
import { xnorGemm } from './xnor-gemm';

/** Bytes of column matrix per tile: with the lookup tables (128 KiB) it stays in L2. */
const TILE_BYTES = 256 * 1024;

/** Rows per tile: a multiple of the table kernel's 8-row groups, at least one group. */
function tileRows(k: i32): i32 { return max(8, (TILE_BYTES / max(1, k << 2)) & ~7); }

/** Scratch bytes one thread needs for k = kh·kw·C columns: the tables, then one tile (64-byte
 *  multiple, so every thread's block starts aligned). */
export function conv2dSignBackwardInputScratchBytes(k: i32): i32 {
  return (gemmSignLutScratchBytes(k) + tileRows(k) * (k << 2) + 63) & ~63;
}

/** Images [bLo, bHi) of dx: zeroed, then per tile the rows' columns dy·S by the table kernel
 *  (the same sums as gemmSignB's) and col2im's adds in row order, so the result equals gemmSignB
 *  then col2im exactly. Threads own whole images, so none writes another's elements. */
export function conv2dSignBackwardInput(dy: usize, wCols: usize, dx: usize, n: i32, height: i32, width: i32, ch: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, scratch: usize, scratchBytes: i32,
  bLo: i32, bHi: i32, thread: i32): void {
  const k = kh * kw * ch, image = <usize>height * width * ch, perImage = outH * outW, tile = tileRows(k);
  const lutBytes = gemmSignLutScratchBytes(k), lut = scratch + <usize>thread * scratchBytes, cols = lut + lutBytes;
  memory.fill(dx + ((<usize>bLo * image) << 2), 0, (<usize>(bHi - bLo) * image) << 2);
  const rEnd = bHi * perImage;
  for (let r = bLo * perImage; r < rEnd; r += tile) {
    const rows = min(tile, rEnd - r);
    gemmSignLut(dy + ((<usize>r * n) << 2), wCols, cols, rows, k, n, SPLIT_ROWS, lut, lutBytes, 0, rows, 0);
    addColumns(cols, dx, r, rows, height, width, ch, kh, kw, stride, padTop, padLeft, outH, outW);
  }
}


/** xnorGemm's columns [j0, j1) of C (a thread's share), then those entries converted in place
 *  from int32 to float32 (exact: |entry| <= k < 2^24). */
export function conv2dBinaryProduct(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, j0: i32, j1: i32): void {
  xnorGemm(a, b, c, m, n, k, j0, j1);
  for (let i = 0; i < m; i++) {
    const row = c + ((<usize>i * n) << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const at = row + (<usize>j << 2);
      v128.store(at, f32x4.convert_i32x4_s(v128.load(at)));
    }
    for (; j < j1; j++) {
      const at = row + (<usize>j << 2);
      store<f32>(at, <f32>load<i32>(at));
    }
  }
}
