// The LSTM cell kernels (Kernels.lstmGates … lstmHiddenBackward) in wasm SIMD, four hidden units
// at a time, one thread: at a language model's [20, 4·300] gates a call is microseconds, less
// than waking a thread. Gate blocks are [batch, 4·hidden], [i f g o] side by side in each row.
// σ and tanh come from exp4 (within a few ulp of the reference's float64); the products and
// sums are f32 (the reference rounds once from float64: within an ulp or two of it). Lanes past
// hidden in a row's last vector are done one at a time through lane 0 of the same SIMD code.

import { sigmoid4, tanh4 } from './exp4';

// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize { return base + (<usize>i << 2); }

/** σ on i, f, o and tanh on g of pre [batch, 4·hidden] → out. */
export function lstmGates(pre: usize, out: usize, batch: i32, hidden: i32): void {
  for (let blk = 0; blk < batch * 4; blk++) {
    const base = blk * hidden, isG = blk % 4 == 2;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const x = v128.load(at(pre, base + j));
      v128.store(at(out, base + j), isG ? tanh4(x) : sigmoid4(x));
    }
    for (; j < hidden; j++) {
      const x = f32x4.splat(load<f32>(at(pre, base + j)));
      store<f32>(at(out, base + j), f32x4.extract_lane(isG ? tanh4(x) : sigmoid4(x), 0));
    }
  }
}

/** dx = dy·y(1−y) on i, f, o and dy·(1−y²) on g, from the activated gates y. */
export function lstmGatesBackward(dy: usize, y: usize, dx: usize, batch: i32, hidden: i32): void {
  const one = f32x4.splat(1);
  for (let blk = 0; blk < batch * 4; blk++) {
    const base = blk * hidden, isG = blk % 4 == 2;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const v = v128.load(at(y, base + j));
      const d = isG ? f32x4.sub(one, f32x4.mul(v, v)) : f32x4.mul(v, f32x4.sub(one, v));
      v128.store(at(dx, base + j), f32x4.mul(v128.load(at(dy, base + j)), d));
    }
    for (; j < hidden; j++) {
      const v = load<f32>(at(y, base + j));
      store<f32>(at(dx, base + j), load<f32>(at(dy, base + j)) * (isG ? 1 - v * v : v * (1 - v)));
    }
  }
}

/** c = f⊙cPrev + i⊙g. */
export function lstmCellState(gates: usize, cPrev: usize, c: usize, batch: i32, hidden: i32): void {
  for (let b = 0; b < batch; b++) {
    const g = b * 4 * hidden, s = b * hidden;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const fc = f32x4.mul(v128.load(at(gates, g + hidden + j)), v128.load(at(cPrev, s + j)));
      v128.store(at(c, s + j), f32x4.add(fc, f32x4.mul(v128.load(at(gates, g + j)), v128.load(at(gates, g + 2 * hidden + j)))));
    }
    for (; j < hidden; j++) {
      store<f32>(at(c, s + j), load<f32>(at(gates, g + hidden + j)) * load<f32>(at(cPrev, s + j))
        + load<f32>(at(gates, g + j)) * load<f32>(at(gates, g + 2 * hidden + j)));
    }
  }
}

/** dGates = [dc⊙g, dc⊙cPrev, dc⊙i, 0], dcPrev = dc⊙f. */
export function lstmCellStateBackward(dc: usize, gates: usize, cPrev: usize, dGates: usize, dcPrev: usize, batch: i32, hidden: i32): void {
  for (let b = 0; b < batch; b++) {
    const g = b * 4 * hidden, s = b * hidden;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const d = v128.load(at(dc, s + j));
      v128.store(at(dGates, g + j), f32x4.mul(d, v128.load(at(gates, g + 2 * hidden + j))));
      v128.store(at(dGates, g + hidden + j), f32x4.mul(d, v128.load(at(cPrev, s + j))));
      v128.store(at(dGates, g + 2 * hidden + j), f32x4.mul(d, v128.load(at(gates, g + j))));
      v128.store(at(dGates, g + 3 * hidden + j), f32x4.splat(0));
      v128.store(at(dcPrev, s + j), f32x4.mul(d, v128.load(at(gates, g + hidden + j))));
    }
    for (; j < hidden; j++) {
      const d = load<f32>(at(dc, s + j));
      store<f32>(at(dGates, g + j), d * load<f32>(at(gates, g + 2 * hidden + j)));
      store<f32>(at(dGates, g + hidden + j), d * load<f32>(at(cPrev, s + j)));
      store<f32>(at(dGates, g + 2 * hidden + j), d * load<f32>(at(gates, g + j)));
      store<f32>(at(dGates, g + 3 * hidden + j), 0);
      store<f32>(at(dcPrev, s + j), d * load<f32>(at(gates, g + hidden + j)));
    }
  }
}

/** h = o⊙tanh(c). */
export function lstmHidden(gates: usize, c: usize, h: usize, batch: i32, hidden: i32): void {
  for (let b = 0; b < batch; b++) {
    const o = b * 4 * hidden + 3 * hidden, s = b * hidden;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) v128.store(at(h, s + j), f32x4.mul(v128.load(at(gates, o + j)), tanh4(v128.load(at(c, s + j)))));
    for (; j < hidden; j++) {
      store<f32>(at(h, s + j), load<f32>(at(gates, o + j)) * f32x4.extract_lane(tanh4(f32x4.splat(load<f32>(at(c, s + j)))), 0));
    }
  }
}

/** dGates = [0, 0, 0, dh⊙tanh(c)], dc = dh⊙o⊙(1 − tanh²(c)). */
export function lstmHiddenBackward(dh: usize, gates: usize, c: usize, dGates: usize, dc: usize, batch: i32, hidden: i32): void {
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let b = 0; b < batch; b++) {
    const g = b * 4 * hidden, s = b * hidden;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const t = tanh4(v128.load(at(c, s + j))), d = v128.load(at(dh, s + j)), o = v128.load(at(gates, g + 3 * hidden + j));
      v128.store(at(dGates, g + j), zero); v128.store(at(dGates, g + hidden + j), zero); v128.store(at(dGates, g + 2 * hidden + j), zero);
      v128.store(at(dGates, g + 3 * hidden + j), f32x4.mul(d, t));
      v128.store(at(dc, s + j), f32x4.mul(f32x4.mul(d, o), f32x4.sub(one, f32x4.mul(t, t))));
    }
    for (; j < hidden; j++) {
      const t = f32x4.extract_lane(tanh4(f32x4.splat(load<f32>(at(c, s + j)))), 0), d = load<f32>(at(dh, s + j));
      store<f32>(at(dGates, g + j), 0); store<f32>(at(dGates, g + hidden + j), 0); store<f32>(at(dGates, g + 2 * hidden + j), 0);
      store<f32>(at(dGates, g + 3 * hidden + j), d * t);
      store<f32>(at(dc, s + j), d * load<f32>(at(gates, g + 3 * hidden + j)) * (1 - t * t));
    }
  }
}
