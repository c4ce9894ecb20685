// Element-wise kernels of sequence training, wasm SIMD: the broadcast cases a language model
// runs on every step (a bias over rows, two same-shape operands) and the sum over rows of a
// bias's gradient, and softmax cross-entropy. The broadcasts and sums compute every element as
// the reference does (one f32 add/sub/mul/div, or f32 sums in row order), so results equal its
// bit for bit; softmax uses an f32 exp (within 1e-6). Thread-pool jobs: the elements (or
// columns, or rows) [start, end) of one chunk.

import { exp4 } from './exp4';

// @ts-ignore: decorator
@inline function apply4(op: i32, x: v128, y: v128): v128 {
  return op == 0 ? f32x4.add(x, y) : op == 1 ? f32x4.sub(x, y) : op == 2 ? f32x4.mul(x, y) : f32x4.div(x, y);
}

// @ts-ignore: decorator
@inline function apply1(op: i32, x: f32, y: f32): f32 {
  return op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : x / y;
}

/** out[i] = a[i] (op) b[i mod width], or b[i mod width] (op) a[i] when swap is 1, for i in
 *  [start, end); op 0 add, 1 sub, 2 mul, 3 div. width = the whole length: two same-shape operands. */
export function broadcastRows(a: usize, b: usize, out: usize, op: i32, width: i32, swap: i32, start: i32, end: i32): void {
  if (width == 1) { broadcastScalar(a, load<f32>(b), out, op, swap, start, end); return; }
  let i = start;
  while (i < end) {
    const j = i % width, run = min(end - i, width - j); // a stretch of consecutive b's
    const pa = a + (<usize>i << 2), pb = b + (<usize>j << 2), po = out + (<usize>i << 2);
    let e = 0;
    if (swap == 0) {
      for (; e + 4 <= run; e += 4) { const o = <usize>e << 2; v128.store(po + o, apply4(op, v128.load(pa + o), v128.load(pb + o))); }
      for (; e < run; e++) { const o = <usize>e << 2; store<f32>(po + o, apply1(op, load<f32>(pa + o), load<f32>(pb + o))); }
    } else {
      for (; e + 4 <= run; e += 4) { const o = <usize>e << 2; v128.store(po + o, apply4(op, v128.load(pb + o), v128.load(pa + o))); }
      for (; e < run; e++) { const o = <usize>e << 2; store<f32>(po + o, apply1(op, load<f32>(pb + o), load<f32>(pa + o))); }
    }
    i += run;
  }
}

// width 1 (a scalar, e.g. a loss's upstream gradient over its 700 × 10,000 scores): one splat
// instead of a stretch of one element per i.
function broadcastScalar(a: usize, s: f32, out: usize, op: i32, swap: i32, start: i32, end: i32): void {
  const v = f32x4.splat(s);
  let i = start;
  if (swap == 0) {
    for (; i + 4 <= end; i += 4) { const o = <usize>i << 2; v128.store(out + o, apply4(op, v128.load(a + o), v)); }
    for (; i < end; i++) { const o = <usize>i << 2; store<f32>(out + o, apply1(op, load<f32>(a + o), s)); }
  } else {
    for (; i + 4 <= end; i += 4) { const o = <usize>i << 2; v128.store(out + o, apply4(op, v, v128.load(a + o))); }
    for (; i < end; i++) { const o = <usize>i << 2; store<f32>(out + o, apply1(op, s, load<f32>(a + o))); }
  }
}

/** out[c] = (Σ_r x[r, c], added in row order from 0) · scale for the columns c in [start, end)
 *  of x [rows, width], the f32 scale given as its bits; scale 1 multiplies nothing (as the reference). */
export function sumRows(x: usize, out: usize, rows: i32, width: i32, scaleBits: i32, start: i32, end: i32): void {
  const scale = reinterpret<f32>(scaleBits);
  let c = start;
  for (; c + 4 <= end; c += 4) {
    let s = f32x4.splat(0);
    for (let r = 0; r < rows; r++) s = f32x4.add(s, v128.load(x + ((<usize>r * <usize>width + <usize>c) << 2)));
    if (scale != 1) s = f32x4.mul(s, f32x4.splat(scale));
    v128.store(out + (<usize>c << 2), s);
  }
  for (; c < end; c++) {
    let s: f32 = 0;
    for (let r = 0; r < rows; r++) s += load<f32>(x + ((<usize>r * <usize>width + <usize>c) << 2));
    store<f32>(out + (<usize>c << 2), scale != 1 ? s * scale : s);
  }
}

/** Softmax cross-entropy of the rows [start, end) of logits [rows, classes] (Kernels
 *  .softmaxCrossEntropy), four classes at a time: e^(x − max) in f32 (exp4) kept in grad between
 *  its two uses, summed in float64; grad = e·(1/Σ)·(1/rows) in f32, the label's (e/Σ − 1)/rows
 *  in float64; each row's loss term, log Σ + max − x[label], to rowLoss (f64) for the glue to sum
 *  in row order. Within 1e-6 of the reference's float64 (the test's bound). A label outside
 *  0..classes−1 gives NaN, as the reference's read past the row does. */
export function softmaxCrossEntropyRows(logits: usize, labels: usize, rows: i32, classes: i32, grad: usize, rowLoss: usize, start: i32, end: i32): void {
  const perRow = <f32>(1 / <f64>rows), vPerRow = f32x4.splat(perRow);
  for (let r = start; r < end; r++) {
    const row = logits + ((<usize>r * <usize>classes) << 2), g = grad + ((<usize>r * <usize>classes) << 2);
    let c = 0, vBest = f32x4.splat(-Infinity);
    for (; c + 4 <= classes; c += 4) vBest = f32x4.max(vBest, v128.load(row + (<usize>c << 2)));
    let best = max(max(f32x4.extract_lane(vBest, 0), f32x4.extract_lane(vBest, 1)), max(f32x4.extract_lane(vBest, 2), f32x4.extract_lane(vBest, 3)));
    for (; c < classes; c++) best = max(best, load<f32>(row + (<usize>c << 2)));
    const vb = f32x4.splat(best);
    let s0 = f64x2.splat(0), s1 = s0;
    for (c = 0; c + 4 <= classes; c += 4) {
      const o = <usize>c << 2, e = exp4(f32x4.sub(v128.load(row + o), vb));
      v128.store(g + o, e);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i8x16.shuffle(e, e, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
    }
    let sum = (f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1)) + (f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1));
    for (; c < classes; c++) {
      const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(row + (<usize>c << 2)) - best)), 0);
      store<f32>(g + (<usize>c << 2), e);
      sum += <f64>e;
    }
    const label = load<i32>(labels + (<usize>r << 2)), inside = label >= 0 && label < classes;
    const eLabel = inside ? <f64>load<f32>(g + (<usize>label << 2)) : 0;
    const vInv = f32x4.splat(<f32>(1 / sum));
    for (c = 0; c + 4 <= classes; c += 4) { const o = <usize>c << 2; v128.store(g + o, f32x4.mul(f32x4.mul(v128.load(g + o), vInv), vPerRow)); }
    for (; c < classes; c++) { const o = <usize>c << 2; store<f32>(g + o, load<f32>(g + o) * <f32>(1 / sum) * perRow); }
    let term: f64 = NaN;
    if (inside) {
      store<f32>(g + (<usize>label << 2), <f32>((eLabel / sum - 1) / <f64>rows));
      term = Math.log(sum) + <f64>best - <f64>load<f32>(row + (<usize>label << 2)); // no read past the row
    }
    store<f64>(rowLoss + (<usize>r << 3), term);
  }
}
