import type { ConvGeometry, HostKernels as Kernels } from '../kernels.js';
import { MIN_PARALLEL_ELEMENTS } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** im2col, im2colPackSigns and col2im (Kernels) in wasm (assembly/im2col.ts): rows of the im2col
 *  matrix split across threads, each row written by one (col2im: whole images, each written by
 *  one). A conv's im2col matrix is kh·kw times its input, so threads pay off from small layers
 *  on. im2col and im2colPackSigns equal the reference's exactly; col2im sums in float32 (the
 *  reference in float64), within the conformance tolerance. */
export function makeIm2col(rt: WasmRuntime): Kernels['im2col'] {
  const bits = new Int32Array(1), asF32 = new Float32Array(bits.buffer);
  return (x, g, padValue, out) => {
    asF32[0] = padValue;
    run(rt, 'im2col', x, g, out, g.kh * g.kw * g.channels, [bits[0]!]);
  };
}

export function makeIm2colPackSigns(rt: WasmRuntime): Kernels['im2colPackSigns'] {
  return (x, g, out) => run(rt, 'im2colPackSigns', x, g, out, Math.ceil((g.kh * g.kw * g.channels) / 32), []);
}

function run(rt: WasmRuntime, job: 'im2col' | 'im2colPackSigns', x: Float32Array, g: ConvGeometry, out: Float32Array | Uint32Array,
  perRow: number, extra: number[]): void {
  const rows = g.batch * g.outH * g.outW, outLength = rows * perRow, inLength = g.batch * g.height * g.width * g.channels;
  if (outLength === 0) return;
  const { arena, pool } = rt;
  arena.reset();
  const px = arena.input(x, inLength), po = arena.output(out, outLength);
  const args = [px, po, g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW, ...extra];
  // the work is one read per entry of the im2col matrix, packed or not
  pool.parallel(job, args, rows, 1, rows * g.kh * g.kw * g.channels < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
  arena.copyOut(po, out, outLength);
}

export function makeCol2im(rt: WasmRuntime): Kernels['col2im'] {
  return (cols, g, dx) => {
    const k = g.kh * g.kw * g.channels, colsLength = g.batch * g.outH * g.outW * k, dxLength = g.batch * g.height * g.width * g.channels;
    if (dxLength === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const pc = arena.input(cols, colsLength), pd = arena.output(dx, dxLength);
    const args = [pc, pd, g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW];
    pool.parallel('col2im', args, g.batch, 1, colsLength < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
    arena.copyOut(pd, dx, dxLength);
  };
}
