import { LowbitError } from '../../errors/lowbit-error.js';
import { ALIGN } from './heap.js';
import type { WasmHeap } from './heap.js';
import type { ResidentArrays } from './resident.js';

type Words = Float32Array | Uint32Array | Int32Array;
type Block = { at: number; bytes: number };

/** The per-call scratch of the kernels' glue: a bump allocator over a heap chunk, reset at the
 *  start of every kernel call. A call that outgrows the chunk takes another one (earlier
 *  addresses of the call stay valid); the next reset trades them for one chunk of their total
 *  size, so a steady training loop allocates nothing. Arrays that already live in wasm memory
 *  (resident ones) are used where they are: input/output give their address, copyOut skips them. */
export class Arena {
  f32!: Float32Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  /** This call's chunks; allocation bumps through the last one. */
  private chunks: Block[] = [];
  private top = 0;

  constructor(private readonly heap: WasmHeap, private readonly resident: ResidentArrays | null) {
    this.refresh();
  }

  reset(): void {
    if (this.chunks.length > 1) {
      const bytes = this.chunks.reduce((sum, c) => sum + c.bytes, 0);
      for (const c of this.chunks) this.heap.release(c.at, c.bytes);
      const chunk = this.heap.alloc(bytes);
      this.chunks = chunk ? [chunk] : [];
    }
    this.top = this.chunks[0]?.at ?? 0;
  }

  /** Reserve `bytes`, aligned; returns the byte address. */
  alloc(bytes: number): number {
    let at = Math.ceil(this.top / ALIGN) * ALIGN;
    const chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || at + bytes > chunk.at + chunk.bytes) {
      const more = this.heap.alloc(Math.max(bytes, chunk?.bytes ?? 0, 1 << 20));
      if (!more) {
        throw new LowbitError(`wasm backend: cannot grow memory by ${bytes} bytes (a 4 GiB wasm32 limit or `
          + 'host memory); use smaller batches or the reference backend');
      }
      this.chunks.push(more);
      at = more.at;
    }
    this.top = at + bytes;
    if (this.top > this.f32.byteLength) this.refresh(); // the memory grew (a private one detached the views)
    return at;
  }

  /** The address of x's first `length` elements in wasm memory: x's own when it lives there,
   *  else a copy's. */
  input(x: Words, length = x.length): number {
    const own = this.resident?.addressOf(x) ?? -1;
    if (own >= 0) return own;
    const at = this.alloc(length * 4);
    this.viewFor(x).set(length === x.length ? x : x.subarray(0, length), at >>> 2);
    return at;
  }

  /** The address of a copy of x's first `length` bytes (no resident byte arrays: always a copy,
   *  which for 8-bit pixels is a quarter of a float operand's), `slack` more bytes reserved after
   *  it for a kernel that reads whole vectors past its end. */
  inputBytes(x: Uint8Array, length = x.length, slack = 0): number {
    const at = this.alloc(length + slack);
    new Uint8Array(this.heap.memory.buffer, at, length).set(length === x.length ? x : x.subarray(0, length));
    return at;
  }

  /** Where a kernel writes `length` elements that end up in out: out itself when it lives in
   *  wasm memory, else scratch to copyOut from. */
  output(out: Words, length = out.length): number {
    const own = this.resident?.addressOf(out) ?? -1;
    return own >= 0 ? own : this.alloc(length * 4);
  }

  /** Copy `length` elements at byte address `at` out to `out`, unless they are out already. */
  copyOut(at: number, out: Words, length = out.length): void {
    if (this.resident?.addressOf(out) === at) return;
    out.set(this.viewFor(out).subarray(at >>> 2, (at >>> 2) + length));
  }

  private viewFor(x: Words): Words {
    return x instanceof Float32Array ? this.f32 : x instanceof Int32Array ? this.i32 : this.u32;
  }

  private refresh(): void {
    const buffer = this.heap.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
  }
}
