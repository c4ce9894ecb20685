// e^x on four f32 lanes, shared by the kernels that need σ, tanh or softmax at SIMD speed.

/** e^x for four f32 lanes (Cephes expf: x = n·ln 2 + r, a degree-7 polynomial in r, times 2^n),
 *  within about 2 ulp of the float64 exp rounded to f32. x is clamped to [−87.3, 88.4] (2^n stays
 *  a normal float), so the far tail reads about 1e-38 instead of 0; a NaN stays NaN. */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.3762626647949)), f32x4.splat(-87.3365447504));
  const n = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1));
  return f32x4.mul(y, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23));
}

/** σ(x) = 1 / (1 + e^−x) on four lanes. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh on four lanes (Cephes tanhf): x + x³·P(x²) for |x| < 0.625, where 1 − 2/(e^2|x| + 1)
 *  would cancel, else that with x's sign. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const a = f32x4.abs(x), z = f32x4.mul(x, x), one = f32x4.splat(1);
  let p = f32x4.add(f32x4.mul(f32x4.splat(-5.70498872745e-3), z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397855524e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const large = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(a, a)), one)));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
}
