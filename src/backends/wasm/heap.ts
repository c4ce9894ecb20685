const PAGE_BYTES = 65536;
/** A cache line: v128 loads never straddle one at a block start. */
export const ALIGN = 64;

/** The wasm memory above the control block, handed out in blocks that stay put: the scratch
 *  arena's chunks and the resident arrays both come from here, so neither overwrites the other.
 *  Best fit from a free list kept sorted and coalesced, else from the top, growing the memory.
 *  Blocks never move (a pointer stays valid until freed); the memory only grows. Few blocks
 *  live at once (parameters, optimizer slots, one scratch chunk), so the lists stay short. */
export class WasmHeap {
  /** Everything at or above `top` is unused. */
  private top: number;
  /** Free blocks below top, sorted by address, no two adjacent. */
  private readonly free: { at: number; bytes: number }[] = [];

  private readonly base: number;

  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.base = this.top = roundUp(base);
  }

  /** A block of at least `bytes`, ALIGN-aligned: its byte address and size, or undefined when
   *  the memory cannot grow that far (the 4 GiB wasm32 limit, or the host's memory). */
  alloc(bytes: number): { at: number; bytes: number } | undefined {
    bytes = Math.max(ALIGN, roundUp(bytes));
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!.bytes;
      if (b >= bytes && (best < 0 || b < this.free[best]!.bytes)) best = i;
    }
    if (best >= 0) {
      const block = this.free[best]!;
      const at = block.at;
      if (block.bytes === bytes) this.free.splice(best, 1);
      else { block.at += bytes; block.bytes -= bytes; }
      return { at, bytes };
    }
    // (release keeps no free block touching the top: the top comes down instead)
    const at = this.top, end = at + bytes, have = this.memory.buffer.byteLength;
    if (end > have) {
      try { this.memory.grow(Math.ceil((end - have) / PAGE_BYTES)); } catch { return undefined; }
    }
    this.top = end;
    return { at, bytes };
  }

  /** Give back a block from alloc (at and bytes as returned). */
  release(at: number, bytes: number): void {
    let i = 0;
    while (i < this.free.length && this.free[i]!.at < at) i++;
    const prev = this.free[i - 1], next = this.free[i];
    if (prev && prev.at + prev.bytes === at) {
      prev.bytes += bytes;
      if (next && prev.at + prev.bytes === next.at) { prev.bytes += next.bytes; this.free.splice(i, 1); }
    } else if (next && at + bytes === next.at) {
      next.at = at; next.bytes += bytes;
    } else {
      this.free.splice(i, 0, { at, bytes });
    }
    // a free block at the top goes back to the top, where the next big block can extend it
    const last = this.free[this.free.length - 1];
    if (last && last.at + last.bytes === this.top) { this.top = last.at; this.free.pop(); }
  }

  /** Bytes in blocks handed out and not released (for tests). */
  get usedBytes(): number {
    return this.free.reduce((used, b) => used - b.bytes, this.top - this.base);
  }
}

function roundUp(bytes: number): number { return Math.ceil(bytes / ALIGN) * ALIGN; }
