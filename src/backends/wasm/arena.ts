import { LowbitError } from '../../errors/lowbit-error.js';

const PAGE_BYTES = 65536;
const ALIGN = 64; // a cache line: v128 loads never straddle one at a block start

/** The scratch arena in wasm memory: a bump allocator reset at the start of every kernel call.
 *  The memory only grows (to the largest call seen), so a steady training loop allocates
 *  nothing. The typed views are remade only after a grow. */
export class Arena {
  private top: number;
  f32!: Float32Array;
  u32!: Uint32Array;
  i32!: Int32Array;

  constructor(readonly memory: WebAssembly.Memory, readonly base: number) {
    this.top = base;
    this.refresh();
  }

  reset(): void { this.top = this.base; }

  /** Reserve `bytes`, aligned; returns the byte address. */
  alloc(bytes: number): number {
    const at = Math.ceil(this.top / ALIGN) * ALIGN;
    const end = at + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      } catch {
        throw new LowbitError(`wasm backend: cannot grow memory to ${end} bytes (a 4 GiB wasm32 limit or `
          + 'host memory); use smaller batches or the reference backend');
      }
      this.refresh();
    }
    this.top = end;
    return at;
  }

  /** Copy x into the arena; returns its byte address. */
  putF32(x: Float32Array, length = x.length): number {
    const at = this.alloc(length * 4);
    this.f32.set(length === x.length ? x : x.subarray(0, length), at >>> 2);
    return at;
  }

  putU32(x: Uint32Array, length = x.length): number {
    const at = this.alloc(length * 4);
    this.u32.set(length === x.length ? x : x.subarray(0, length), at >>> 2);
    return at;
  }

  /** Copy `length` floats at byte address `at` out to `out`. */
  getF32(at: number, out: Float32Array, length = out.length): void {
    out.set(this.f32.subarray(at >>> 2, (at >>> 2) + length));
  }

  getI32(at: number, out: Int32Array, length = out.length): void {
    out.set(this.i32.subarray(at >>> 2, (at >>> 2) + length));
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
  }
}
