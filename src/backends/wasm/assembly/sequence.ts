// Element-wise kernels of sequence training, wasm SIMD: the broadcast cases a language model
// runs on every step (a bias over rows, two same-shape operands) and the sum over rows of a
// bias's gradient. Each computes every element as the reference does (one f32 add/sub/mul/div,
// or f32 sums in row order), so results equal its bit for bit. Thread-pool jobs: the
// elements (or columns) [start, end) of one chunk.

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
 *  .softmaxCrossEntropy): grad as the reference's, in float64 but for each e^(x − max) kept as
 *  f32 between its two uses (one exp per element, not two); each row's loss term,
 *  log Σ e^(x − max) + max − x[label], to rowLoss (f64) for the glue to sum in row order. A
 *  label outside 0..classes−1 gives NaN, as the reference's read past the row does. */
export function softmaxCrossEntropyRows(logits: usize, labels: usize, rows: i32, classes: i32, grad: usize, rowLoss: usize, start: i32, end: i32): void {
  for (let r = start; r < end; r++) {
    const row = logits + ((<usize>r * <usize>classes) << 2), g = grad + ((<usize>r * <usize>classes) << 2);
    let best: f32 = -Infinity;
    for (let c = 0; c < classes; c++) best = max(best, load<f32>(row + (<usize>c << 2)));
    let sum: f64 = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(<f64>load<f32>(row + (<usize>c << 2)) - <f64>best);
      store<f32>(g + (<usize>c << 2), <f32>e);
      sum += e;
    }
    const label = load<i32>(labels + (<usize>r << 2)), inside = label >= 0 && label < classes;
    for (let c = 0; c < classes; c++) {
      const p = <f64>load<f32>(g + (<usize>c << 2)) / sum;
      store<f32>(g + (<usize>c << 2), <f32>((c == label ? p - 1 : p) / <f64>rows));
    }
    let term: f64 = NaN;
    if (inside) term = Math.log(sum) + <f64>best - <f64>load<f32>(row + (<usize>label << 2)); // no read past the row
    store<f64>(rowLoss + (<usize>r << 3), term);
  }
}
