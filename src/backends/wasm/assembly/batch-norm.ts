// Batch norm over x [rows, ch], wasm. Row-major passes with per-channel float64 accumulators in
// scratch: each channel still sums its rows in order, so the statistics equal the reference's
// bit for bit, and the reference's column-strided walk (a cache miss per element for wide
// layers) becomes a sequential one. Two channels per f64x2, the same float64 operations per lane
// as the reference's per element. Training's passes are thread-pool jobs over a range of
// channels [c0, c1): a channel's sums never cross threads, so the split changes no bit.

// @ts-ignore: decorator
@inline function f32x2(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
// @ts-ignore: decorator
@inline function store2(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }
// @ts-ignore: decorator
@inline function f64At(p: usize, c: i32): usize { return p + (<usize>c << 3); }
// @ts-ignore: decorator
@inline function f32At(p: usize, c: i32): usize { return p + (<usize>c << 2); }

/** acc[c] (f64, zeroed here) = Σ_r x[r,c], c in [c0, c1). */
function columnSums(x: usize, rows: i32, ch: i32, c0: i32, c1: i32, acc: usize): void {
  memory.fill(f64At(acc, c0), 0, <usize>(c1 - c0) << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * ch) << 2);
    let c = c0;
    for (; c + 2 <= c1; c += 2) v128.store(f64At(acc, c), f64x2.add(v128.load(f64At(acc, c)), f32x2(f32At(row, c))));
    for (; c < c1; c++) store<f64>(f64At(acc, c), load<f64>(f64At(acc, c)) + <f64>load<f32>(f32At(row, c)));
  }
}

/** A job: eps arrives as the low and high words of its float64 bits (jobs take i32 arguments).
 *  scratch: 2·ch f64, shared by the threads (each uses its own channels' slots). */
export function batchNormTrain(x: usize, rows: i32, ch: i32, gamma: usize, beta: usize, epsLo: i32, epsHi: i32,
  y: usize, xhat: usize, mean: usize, invStd: usize, scratch: usize, c0: i32, c1: i32, thread: i32): void {
  const eps = reinterpret<f64>((<i64>epsHi << 32) | (<i64>epsLo & 0xffffffff));
  const mu = scratch, inv = scratch + (<usize>ch << 3), n = <f64>rows;
  columnSums(x, rows, ch, c0, c1, mu);
  for (let c = c0; c < c1; c++) store<f64>(f64At(mu, c), load<f64>(f64At(mu, c)) / n);
  memory.fill(f64At(inv, c0), 0, <usize>(c1 - c0) << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * ch) << 2);
    let c = c0;
    for (; c + 2 <= c1; c += 2) {
      const d = f64x2.sub(f32x2(f32At(row, c)), v128.load(f64At(mu, c)));
      v128.store(f64At(inv, c), f64x2.add(v128.load(f64At(inv, c)), f64x2.mul(d, d)));
    }
    for (; c < c1; c++) {
      const d = <f64>load<f32>(f32At(row, c)) - load<f64>(f64At(mu, c));
      store<f64>(f64At(inv, c), load<f64>(f64At(inv, c)) + d * d);
    }
  }
  for (let c = c0; c < c1; c++) {
    const v = 1 / Math.sqrt(load<f64>(f64At(inv, c)) / n + eps);
    store<f64>(f64At(inv, c), v);
    store<f32>(f32At(mean, c), <f32>load<f64>(f64At(mu, c)));
    store<f32>(f32At(invStd, c), <f32>v);
  }
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * ch) << 2;
    let c = c0;
    for (; c + 2 <= c1; c += 2) {
      const h = f64x2.mul(f64x2.sub(f32x2(f32At(x + o, c)), v128.load(f64At(mu, c))), v128.load(f64At(inv, c)));
      store2(f32At(xhat + o, c), h);
      store2(f32At(y + o, c), f64x2.add(f64x2.mul(f32x2(f32At(gamma, c)), h), f32x2(f32At(beta, c))));
    }
    for (; c < c1; c++) {
      const h = (<f64>load<f32>(f32At(x + o, c)) - load<f64>(f64At(mu, c))) * load<f64>(f64At(inv, c));
      store<f32>(f32At(xhat + o, c), <f32>h);
      store<f32>(f32At(y + o, c), <f32>(<f64>load<f32>(f32At(gamma, c)) * h + <f64>load<f32>(f32At(beta, c))));
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
 *  A job over channels [c0, c1); scratch: 2·ch f64, shared as batchNormTrain's. */
export function batchNormBackward(dy: usize, xhat: usize, rows: i32, ch: i32, gamma: usize, invStd: usize,
  dx: usize, dgamma: usize, dbeta: usize, scratch: usize, c0: i32, c1: i32, thread: i32): void {
  normalizeBackward(dy, 0, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta, scratch, c0, c1);
}

/** batchNormBackward of dy = (-1 <= y <= 1 ? dout : 0), each dy made where it is read by the
 *  passInside kernel's compare and mask (outside: +0), so the sums see the same floats. */
export function batchNormHardtanhBackward(dout: usize, y: usize, xhat: usize, rows: i32, ch: i32, gamma: usize, invStd: usize,
  dx: usize, dgamma: usize, dbeta: usize, scratch: usize, c0: i32, c1: i32, thread: i32): void {
  normalizeBackward(dout, y, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta, scratch, c0, c1);
}

/** Two floats of dy at byte offset o, channel c, as f64x2; masked by y's where y is not 0. */
// @ts-ignore: decorator
@inline function dyPair(dy: usize, y: usize, o: usize, c: i32): v128 {
  const d = v128.load64_zero(f32At(dy + o, c));
  if (!y) return f64x2.promote_low_f32x4(d);
  const v = v128.load64_zero(f32At(y + o, c));
  return f64x2.promote_low_f32x4(v128.and(d, v128.and(f32x4.ge(v, f32x4.splat(-1)), f32x4.le(v, f32x4.splat(1)))));
}

// @ts-ignore: decorator
@inline function dyOne(dy: usize, y: usize, o: usize, c: i32): f64 {
  if (!y) return <f64>load<f32>(f32At(dy + o, c));
  const v = load<f32>(f32At(y + o, c));
  return v >= -1 && v <= 1 ? <f64>load<f32>(f32At(dy + o, c)) : 0;
}

/** y: 0 for no mask. */
// @ts-ignore: decorator
@inline function normalizeBackward(dy: usize, y: usize, xhat: usize, rows: i32, ch: i32, gamma: usize, invStd: usize,
  dx: usize, dgamma: usize, dbeta: usize, scratch: usize, c0: i32, c1: i32): void {
  const sdy = scratch, sdyx = scratch + (<usize>ch << 3), n = <f64>rows;
  memory.fill(f64At(sdy, c0), 0, <usize>(c1 - c0) << 3);
  memory.fill(f64At(sdyx, c0), 0, <usize>(c1 - c0) << 3);
  for (let r = 0; r < rows; r++) { // both sums in one pass, each still in row order
    const o = (<usize>r * ch) << 2;
    let c = c0;
    for (; c + 2 <= c1; c += 2) {
      const d = dyPair(dy, y, o, c);
      v128.store(f64At(sdy, c), f64x2.add(v128.load(f64At(sdy, c)), d));
      v128.store(f64At(sdyx, c), f64x2.add(v128.load(f64At(sdyx, c)), f64x2.mul(d, f32x2(f32At(xhat + o, c)))));
    }
    for (; c < c1; c++) {
      const d = dyOne(dy, y, o, c);
      store<f64>(f64At(sdy, c), load<f64>(f64At(sdy, c)) + d);
      store<f64>(f64At(sdyx, c), load<f64>(f64At(sdyx, c)) + d * <f64>load<f32>(f32At(xhat + o, c)));
    }
  }
  for (let c = c0; c < c1; c++) {
    store<f32>(f32At(dgamma, c), <f32>load<f64>(f64At(sdyx, c)));
    store<f32>(f32At(dbeta, c), <f32>load<f64>(f64At(sdy, c)));
    store<f64>(f64At(sdy, c), load<f64>(f64At(sdy, c)) / n); // the mean of dy: the same quotient for every row
  }
  const rowsV = f64x2.splat(n);
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * ch) << 2;
    let c = c0;
    for (; c + 2 <= c1; c += 2) {
      const scale = f64x2.mul(f32x2(f32At(gamma, c)), f32x2(f32At(invStd, c)));
      const centered = f64x2.sub(dyPair(dy, y, o, c), v128.load(f64At(sdy, c)));
      const along = f64x2.div(f64x2.mul(f32x2(f32At(xhat + o, c)), v128.load(f64At(sdyx, c))), rowsV);
      store2(f32At(dx + o, c), f64x2.mul(scale, f64x2.sub(centered, along)));
    }
    for (; c < c1; c++) {
      const scale = <f64>load<f32>(f32At(gamma, c)) * <f64>load<f32>(f32At(invStd, c));
      const v = scale * (dyOne(dy, y, o, c) - load<f64>(f64At(sdy, c))
        - <f64>load<f32>(f32At(xhat + o, c)) * load<f64>(f64At(sdyx, c)) / n);
      store<f32>(f32At(dx + o, c), <f32>v);
    }
  }
}
