// ±1 products by table lookup, WebAssembly SIMD: C[i,j] (+)= Σ_p op(A)[i,p]·S[p,j], S = ±1 packed
// by column (row j of s holds column j along p; bit 1 = −1, tail bits 0).
//
// Eight rows of A ride in the lanes of two f32x4. For each 8 consecutive p, the 256 signed sums
// Σ_t ±A[·,p+t] are tabled once (one subtraction per half each); then a column j adds the entry
// that its byte of packed bits picks. So one byte read, two loads and two adds do 64
// multiply-adds, where the blocked float GEMM needs about 2 ops per 4; building the tables costs
// 256/n of the lookups.
//
// Determinism: an output is the sum of its blocks' lookups in a fixed order, and a table lane
// depends only on its own row of A, so neither the row grouping nor the thread split (rows or
// columns) changes any result.

// Bytes of S per block: 16 tables of 256 × 32 B = 128 KiB, in L2. Measured on 2048-wide layers:
// 16 beats 4 and 8 by 10-25% (fewer passes over the accumulator) and ties 32 and 64.
const CHUNKS = 16;
const ENTRY_BYTES = 32;
const TABLE_BYTES = 256 * ENTRY_BYTES;
const ROWS = 8;

export const TRANS_A = 1;
export const ACCUMULATE = 4;
/** The thread's range [lo, hi) is rows of C (else columns). */
export const SPLIT_ROWS = 16;

/** Scratch bytes one thread needs for n columns: the tables and a transposed 8 × n accumulator. */
export function gemmSignLutScratchBytes(n: i32): i32 { return CHUNKS * TABLE_BYTES + n * ENTRY_BYTES; }

export function gemmSignLut(a: usize, s: usize, c: usize, m: i32, n: i32, k: i32, flags: i32,
  scratch: usize, scratchBytes: i32, lo: i32, hi: i32, thread: i32): void {
  const splitRows = (flags & SPLIT_ROWS) != 0;
  const i0 = splitRows ? lo : 0, i1 = splitRows ? hi : m;
  const j0 = splitRows ? 0 : lo, j1 = splitRows ? n : hi;
  const tables = scratch + <usize>thread * scratchBytes;
  const acc = tables + CHUNKS * TABLE_BYTES;
  const accumulate = (flags & ACCUMULATE) != 0, transA = (flags & TRANS_A) != 0;
  const rowBytes = <usize>((k + 31) >>> 5) << 2;
  for (let ig = i0; ig < i1; ig += ROWS) {
    const rows = min(ROWS, i1 - ig);
    if (accumulate) loadAcc(c, acc, ig, rows, n, j0, j1);
    else if (k == 0) memory.fill(acc, 0, <usize>(j1 - j0) * ENTRY_BYTES); // no block writes the sums
    for (let kb = 0; kb < k; kb += CHUNKS * 8) {
      const chunks = min(CHUNKS, (k - kb + 7) >>> 3);
      for (let q = 0; q < chunks; q++) {
        const t = tables + <usize>q * TABLE_BYTES;
        buildTable(a, t, m, k, ig, min(rows, 4), kb + q * 8, transA);
        buildTable(a, t + 16, m, k, ig + 4, rows - 4, kb + q * 8, transA);
      }
      const bits = s + <usize>(kb >>> 3);
      const fresh = kb == 0 && !accumulate; // the first block starts the sums: nothing to read
      for (let j = j0; j < j1; j++) lookup(tables, bits + <usize>j * rowBytes, acc + <usize>(j - j0) * ENTRY_BYTES, chunks, fresh);
    }
    storeAcc(c, acc, ig, rows, n, j0, j1);
  }
}

// One half (4 lanes at byte 0 or 16 of every entry) of the 256 sums for rows ig.. (lanes past
// `rows` are 0) and p = p0..p0+7 (p past k is 0): entry 0 has every sign +1; setting bit t flips
// term t, i.e. subtracts 2·A[·,p0+t].
function buildTable(a: usize, t: usize, m: i32, k: i32, ig: i32, rows: i32, p0: i32, transA: bool): void {
  const v0 = column(a, m, k, ig, rows, p0, transA), v1 = column(a, m, k, ig, rows, p0 + 1, transA);
  const v2 = column(a, m, k, ig, rows, p0 + 2, transA), v3 = column(a, m, k, ig, rows, p0 + 3, transA);
  const v4 = column(a, m, k, ig, rows, p0 + 4, transA), v5 = column(a, m, k, ig, rows, p0 + 5, transA);
  const v6 = column(a, m, k, ig, rows, p0 + 6, transA), v7 = column(a, m, k, ig, rows, p0 + 7, transA);
  v128.store(t, f32x4.add(f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)), f32x4.add(f32x4.add(v4, v5), f32x4.add(v6, v7))));
  double(t, 1, f32x4.add(v0, v0)); double(t, 2, f32x4.add(v1, v1));
  double(t, 4, f32x4.add(v2, v2)); double(t, 8, f32x4.add(v3, v3));
  double(t, 16, f32x4.add(v4, v4)); double(t, 32, f32x4.add(v5, v5));
  double(t, 64, f32x4.add(v6, v6)); double(t, 128, f32x4.add(v7, v7));
}

// Entries half..2·half−1 from entries 0..half−1: bit log2(half) set, so minus 2v of that term.
// @ts-ignore: decorator
@inline function double(t: usize, half: i32, d: v128): void {
  const to = t + <usize>half * ENTRY_BYTES;
  for (let e = 0; e < half; e++) {
    const o = <usize>e * ENTRY_BYTES;
    v128.store(to + o, f32x4.sub(v128.load(t + o), d));
  }
}

// A[ig..ig+3, p] as lanes, 0 outside the matrix (rows <= 0: all 0).
// @ts-ignore: decorator
@inline function column(a: usize, m: i32, k: i32, ig: i32, rows: i32, p: i32, transA: bool): v128 {
  let v = f32x4.splat(0);
  if (p >= k || rows <= 0) return v;
  if (transA) { // A stored [k, m]: the four rows are adjacent
    const at = a + ((<usize>p * m + ig) << 2);
    if (rows >= 4) return v128.load(at);
    v = f32x4.replace_lane(v, 0, load<f32>(at));
    if (rows > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
    if (rows > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
    return v;
  }
  const at = a + ((<usize>ig * k + p) << 2), stride = <usize>k << 2;
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (rows > 1) v = f32x4.replace_lane(v, 1, load<f32>(at + stride));
  if (rows > 2) v = f32x4.replace_lane(v, 2, load<f32>(at + 2 * stride));
  if (rows > 3) v = f32x4.replace_lane(v, 3, load<f32>(at + 3 * stride));
  return v;
}

// One column of one block: each byte of its bits picks an entry (both halves) of its table.
// Eight bytes are read at once while eight remain. The order is fixed, so results stay
// deterministic.
// @ts-ignore: decorator
@inline function lookup(tables: usize, bits: usize, acc: usize, chunks: i32, fresh: bool): void {
  let x = f32x4.splat(0), y = x;
  if (!fresh) { x = v128.load(acc); y = v128.load(acc, 16); }
  let q = 0;
  for (; q + 8 <= chunks; q += 8) {
    const w = load<u64>(bits + q), t = tables + <usize>q * TABLE_BYTES;
    let e = t + (<usize>(w & 0xff) << 5);
    x = f32x4.add(x, v128.load(e)); y = f32x4.add(y, v128.load(e, 16));
    e = t + (<usize>((w >>> 8) & 0xff) << 5);
    x = f32x4.add(x, v128.load(e, TABLE_BYTES)); y = f32x4.add(y, v128.load(e, TABLE_BYTES + 16));
    e = t + (<usize>((w >>> 16) & 0xff) << 5);
    x = f32x4.add(x, v128.load(e, 2 * TABLE_BYTES)); y = f32x4.add(y, v128.load(e, 2 * TABLE_BYTES + 16));
    e = t + (<usize>((w >>> 24) & 0xff) << 5);
    x = f32x4.add(x, v128.load(e, 3 * TABLE_BYTES)); y = f32x4.add(y, v128.load(e, 3 * TABLE_BYTES + 16));
    e = t + (<usize>((w >>> 32) & 0xff) << 5);
    x = f32x4.add(x, v128.load(e, 4 * TABLE_BYTES)); y = f32x4.add(y, v128.load(e, 4 * TABLE_BYTES + 16));
    e = t + (<usize>((w >>> 40) & 0xff) << 5);
    x = f32x4.add(x, v128.load(e, 5 * TABLE_BYTES)); y = f32x4.add(y, v128.load(e, 5 * TABLE_BYTES + 16));
    e = t + (<usize>((w >>> 48) & 0xff) << 5);
    x = f32x4.add(x, v128.load(e, 6 * TABLE_BYTES)); y = f32x4.add(y, v128.load(e, 6 * TABLE_BYTES + 16));
    e = t + (<usize>(w >>> 56) << 5);
    x = f32x4.add(x, v128.load(e, 7 * TABLE_BYTES)); y = f32x4.add(y, v128.load(e, 7 * TABLE_BYTES + 16));
  }
  // the rest byte by byte: the packed row may end before eight more
  for (; q < chunks; q++) {
    const e = tables + <usize>q * TABLE_BYTES + (<usize>load<u8>(bits + q) << 5);
    x = f32x4.add(x, v128.load(e)); y = f32x4.add(y, v128.load(e, 16));
  }
  v128.store(acc, x); v128.store(acc, y, 16);
}

function loadAcc(c: usize, acc: usize, ig: i32, rows: i32, n: i32, j0: i32, j1: i32): void {
  memory.fill(acc, 0, <usize>(j1 - j0) * ENTRY_BYTES);
  for (let r = 0; r < rows; r++) {
    const row = c + (<usize>(ig + r) * n << 2);
    for (let j = j0; j < j1; j++) store<f32>(acc + <usize>(j - j0) * ENTRY_BYTES + (<usize>r << 2), load<f32>(row + (<usize>j << 2)));
  }
}

// The accumulator back to C: four columns at a time as two 4 × 4 transposes (rows 0-3, 4-7),
// the rest lane by lane.
function storeAcc(c: usize, acc: usize, ig: i32, rows: i32, n: i32, j0: i32, j1: i32): void {
  let j = j0;
  if (rows == ROWS) {
    const ldc = <usize>n << 2;
    for (; j + 4 <= j1; j += 4) {
      const e = acc + <usize>(j - j0) * ENTRY_BYTES, out = c + ((<usize>ig * n + j) << 2);
      transpose4(v128.load(e), v128.load(e, 32), v128.load(e, 64), v128.load(e, 96), out, ldc);
      transpose4(v128.load(e, 16), v128.load(e, 48), v128.load(e, 80), v128.load(e, 112), out + 4 * ldc, ldc);
    }
  }
  for (let r = 0; r < rows; r++) {
    const row = c + (<usize>(ig + r) * n << 2);
    for (let jj = j; jj < j1; jj++) store<f32>(row + (<usize>jj << 2), load<f32>(acc + <usize>(jj - j0) * ENTRY_BYTES + (<usize>r << 2)));
  }
}

// Columns a..d (each 4 rows) → rows 0..3 of 4 consecutive columns at out, out + ldc, ...
// @ts-ignore: decorator
@inline function transpose4(a: v128, b: v128, c: v128, d: v128, out: usize, ldc: usize): void {
  const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd0 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd1 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(out, i64x2.shuffle(ab0, cd0, 0, 2));
  v128.store(out + ldc, i64x2.shuffle(ab0, cd0, 1, 3));
  v128.store(out + 2 * ldc, i64x2.shuffle(ab1, cd1, 0, 2));
  v128.store(out + 3 * ldc, i64x2.shuffle(ab1, cd1, 1, 3));
}
