// Batch norm over x [rows, ch], wasm. Row-major passes with per-channel float64 accumulators in
// scratch: each channel still sums its rows in order, so the statistics equal the reference's
// bit for bit, and the reference's column-strided walk (a cache miss per element for wide
// layers) becomes a sequential one. Two channels per f64x2.

// @ts-ignore: decorator
@inline function f32x2(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
// @ts-ignore: decorator
@inline function store2(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }

/** acc[c] (f64, zeroed here) = Σ_r x[r,c]. */
function columnSums(x: usize, rows: i32, ch: i32, acc: usize): void {
  memory.fill(acc, 0, <usize>ch << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * ch) << 2);
    let c = 0;
    for (; c + 2 <= ch; c += 2) {
      const a = acc + (<usize>c << 3);
      v128.store(a, f64x2.add(v128.load(a), f32x2(row + (<usize>c << 2))));
    }
    for (; c < ch; c++) store<f64>(acc + (<usize>c << 3), load<f64>(acc + (<usize>c << 3)) + <f64>load<f32>(row + (<usize>c << 2)));
  }
}

/** scratch: 2·ch f64. */
export function batchNormTrain(x: usize, rows: i32, ch: i32, gamma: usize, beta: usize, eps: f64,
  y: usize, xhat: usize, mean: usize, invStd: usize, scratch: usize): void {
  const mu = scratch, inv = scratch + (<usize>ch << 3);
  columnSums(x, rows, ch, mu);
  for (let c = 0; c < ch; c++) store<f64>(mu + (<usize>c << 3), load<f64>(mu + (<usize>c << 3)) / <f64>rows);
  memory.fill(inv, 0, <usize>ch << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * ch) << 2);
    for (let c = 0; c < ch; c++) {
      const d = <f64>load<f32>(row + (<usize>c << 2)) - load<f64>(mu + (<usize>c << 3));
      store<f64>(inv + (<usize>c << 3), load<f64>(inv + (<usize>c << 3)) + d * d);
    }
  }
  for (let c = 0; c < ch; c++) {
    const v = 1 / Math.sqrt(load<f64>(inv + (<usize>c << 3)) / <f64>rows + eps);
    store<f64>(inv + (<usize>c << 3), v);
    store<f32>(mean + (<usize>c << 2), <f32>load<f64>(mu + (<usize>c << 3)));
    store<f32>(invStd + (<usize>c << 2), <f32>v);
  }
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * ch) << 2;
    let c = 0;
    for (; c + 2 <= ch; c += 2) {
      const h = f64x2.mul(f64x2.sub(f32x2(x + o + (<usize>c << 2)), v128.load(mu + (<usize>c << 3))), v128.load(inv + (<usize>c << 3)));
      store2(xhat + o + (<usize>c << 2), h);
      store2(y + o + (<usize>c << 2), f64x2.add(f64x2.mul(f32x2(gamma + (<usize>c << 2)), h), f32x2(beta + (<usize>c << 2))));
    }
    for (; c < ch; c++) {
      const h = (<f64>load<f32>(x + o + (<usize>c << 2)) - load<f64>(mu + (<usize>c << 3))) * load<f64>(inv + (<usize>c << 3));
      store<f32>(xhat + o + (<usize>c << 2), <f32>h);
      store<f32>(y + o + (<usize>c << 2), <f32>(<f64>load<f32>(gamma + (<usize>c << 2)) * h + <f64>load<f32>(beta + (<usize>c << 2))));
    }
  }
}

/** y = gamma·(x - mean)·invStd + beta, evaluated left to right in float64 like the reference. */
export function batchNormEval(x: usize, rows: i32, ch: i32, gamma: usize, beta: usize, mean: usize, invStd: usize, y: usize): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * ch) << 2;
    let c = 0;
    for (; c + 2 <= ch; c += 2) {
      const q = <usize>c << 2;
      const d = f64x2.sub(f32x2(x + o + q), f32x2(mean + q));
      store2(y + o + q, f64x2.add(f64x2.mul(f64x2.mul(f32x2(gamma + q), d), f32x2(invStd + q)), f32x2(beta + q)));
    }
    for (; c < ch; c++) {
      const q = <usize>c << 2;
      const d = <f64>load<f32>(x + o + q) - <f64>load<f32>(mean + q);
      store<f32>(y + o + q, <f32>(<f64>load<f32>(gamma + q) * d * <f64>load<f32>(invStd + q) + <f64>load<f32>(beta + q)));
    }
  }
}

/** dx = gamma·invStd·(dy - Σdy/rows - xhat·Σ(dy·xhat)/rows); dgamma = Σ dy·xhat, dbeta = Σ dy.
 *  scratch: 2·ch f64. */
export function batchNormBackward(dy: usize, xhat: usize, rows: i32, ch: i32, gamma: usize, invStd: usize,
  dx: usize, dgamma: usize, dbeta: usize, scratch: usize): void {
  const sdy = scratch, sdyx = scratch + (<usize>ch << 3);
  columnSums(dy, rows, ch, sdy);
  memory.fill(sdyx, 0, <usize>ch << 3);
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * ch) << 2;
    for (let c = 0; c < ch; c++) {
      const q = <usize>c << 2;
      store<f64>(sdyx + (<usize>c << 3), load<f64>(sdyx + (<usize>c << 3)) + <f64>load<f32>(dy + o + q) * <f64>load<f32>(xhat + o + q));
    }
  }
  for (let c = 0; c < ch; c++) {
    store<f32>(dgamma + (<usize>c << 2), <f32>load<f64>(sdyx + (<usize>c << 3)));
    store<f32>(dbeta + (<usize>c << 2), <f32>load<f64>(sdy + (<usize>c << 3)));
  }
  const n = <f64>rows;
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * ch) << 2;
    for (let c = 0; c < ch; c++) {
      const q = <usize>c << 2;
      const scale = <f64>load<f32>(gamma + q) * <f64>load<f32>(invStd + q);
      const v = scale * (<f64>load<f32>(dy + o + q) - load<f64>(sdy + (<usize>c << 3)) / n
        - <f64>load<f32>(xhat + o + q) * load<f64>(sdyx + (<usize>c << 3)) / n);
      store<f32>(dx + o + q, <f32>v);
    }
  }
}
