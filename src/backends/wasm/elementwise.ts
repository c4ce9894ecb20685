import type { HostKernels as Kernels } from '../kernels.js';
import { f32Bits } from './job-args.js';
import { ELEMENT_ALIGN } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

// Elementwise kernels of training (assembly/elementwise.ts). Each is a single pass at memory
// speed over activations, so the copies in and out already cost about what the kernel does; SIMD
// still beats the reference loop by a few times. sign, clamp and passInside (a training step's
// passes over every activation and weight gradient, milliseconds each) are split across threads.
// Results equal the reference's bit for bit.

export function makeSign(rt: WasmRuntime): Kernels['sign'] {
  return (x, out) => map(rt, [x], out, (px, po) => rt.pool.parallel('sign', [px, po], x.length, ELEMENT_ALIGN, rt.pool.threadsFor(x.length)));
}

/** The bounds go to the job as the bits of their nearest float32 (what an f32 parameter gets). */
export function makeClamp(rt: WasmRuntime): Kernels['clamp'] {
  return (x, out, lo, hi) => map(rt, [x], out, (px, po) =>
    rt.pool.parallel('clamp', [px, po, f32Bits(Math.fround(lo)), f32Bits(Math.fround(hi))], x.length, ELEMENT_ALIGN, rt.pool.threadsFor(x.length)));
}

/** The f32 bounds go to the job as their bits. */
export function makePassInside(rt: WasmRuntime): Kernels['passInside'] {
  return (dy, x, dx, lo, hi) => map(rt, [dy, x], dx, (pdy, px, pdx) =>
    rt.pool.parallel('passInside', [pdy, px, pdx, f32Bits(f32AtLeast(lo)), f32Bits(f32AtMost(hi))], x.length, ELEMENT_ALIGN, rt.pool.threadsFor(x.length)));
}

export function makeStochasticSign(rt: WasmRuntime): Kernels['stochasticSign'] {
  return (x, u, out) => map(rt, [x, u], out, (px, pu, po) => rt.exports['stochasticSign']!(px, pu, po, x.length));
}

/** Copy inputs in, run, copy the output (as long as the first input) out; arrays resident in
 *  wasm memory are used in place (out may be one of the inputs: each element is read before
 *  it is written). */
function map(rt: WasmRuntime, inputs: Float32Array[], out: Float32Array, run: (...ptrs: number[]) => unknown): void {
  const length = inputs[0]!.length;
  if (length === 0) return;
  const { arena } = rt;
  arena.reset();
  const ptrs = inputs.map((x) => arena.input(x, length));
  const po = arena.output(out, length);
  run(...ptrs, po);
  arena.copyOut(po, out, length);
}

const bits = new Float32Array(1), bitsI = new Int32Array(bits.buffer);

/** The smallest float32 >= v: with it an f32 compare `x >= lo` agrees with the reference's float64
 *  one (rounding lo to nearest could step below it and let one more x in). */
function f32AtLeast(v: number): number {
  const f = Math.fround(v);
  return f >= v || Number.isNaN(v) ? f : step(f, 1);
}

/** The largest float32 <= v. */
function f32AtMost(v: number): number {
  const f = Math.fround(v);
  return f <= v || Number.isNaN(v) ? f : step(f, -1);
}

/** The next float32 from f towards +∞ (dir 1) or -∞ (dir -1). */
function step(f: number, dir: 1 | -1): number {
  if (f === 0) return dir * 2 ** -149;
  bits[0] = f;
  bitsI[0] = bitsI[0]! + ((f > 0) === (dir > 0) ? 1 : -1);
  return bits[0]!;
}
