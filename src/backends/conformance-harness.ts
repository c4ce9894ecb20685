import assert from 'node:assert/strict';
import { LowbitError } from '../errors/lowbit-error.js';
import { hostArray } from './host-storage.js';
import type { HostArray, HostArrays, Kernels, OpaqueStorage, StorageKind, StorageTypes } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';

/** An argument the harness allocates (`alloc`, zero-filled) rather than uploads. */
export class Zeros<K extends StorageKind> {
  constructor(readonly kind: K, readonly length: number) {}
}
export const zeros = <K extends StorageKind>(kind: K, length: number): Zeros<K> => new Zeros(kind, length);

type Arg = HostArray | Zeros<StorageKind>;
type KindOf<T> = T extends Zeros<infer K> ? K : T extends Float32Array ? 'f32' : T extends Int32Array ? 'i32'
  : T extends Uint32Array ? 'u32' : 'u8';
/** The host arrays a call's arguments come back as. */
export type Hosts<A extends readonly Arg[]> = { -readonly [I in keyof A]: HostArrays[KindOf<A[I]>] };
type Bufs<S extends StorageTypes, A extends readonly Arg[]> = { [I in keyof A]: S[KindOf<A[I]>] };
/** A kernel call written once for both sides: a backend's opaque storage, the reference's arrays. */
export type Call<A extends readonly Arg[]> = <S extends StorageTypes>(k: Kernels<S>, ...bufs: Bufs<S, A>) => void;
type LooseCall = (k: unknown, ...bufs: unknown[]) => void;

const kindOf = (a: HostArray): StorageKind =>
  a instanceof Float32Array ? 'f32' : a instanceof Int32Array ? 'i32' : a instanceof Uint32Array ? 'u32' : 'u8';

/** Runs kernel calls on a backend through the storage contract only: inputs go up as copies
 *  (`fromArray`, or `alloc(…, true)` + `write` for the arguments `persistent` picks), results come
 *  back by `await read`, so a backend that finishes its kernels later is checked as it is used. */
export class Harness {
  private readonly made: OpaqueStorage[StorageKind][] = [];

  constructor(readonly backend: Kernels, private readonly persistent: (argument: number) => boolean = () => false) {}

  /** `call` on the backend and on the reference (each on its own copies of `args`): every
   *  argument's values after the call, from both. */
  async run<const A extends readonly Arg[]>(args: A, call: Call<A>): Promise<{ got: Hosts<A>; want: Hosts<A> }> {
    const hosts = args.map((a) => (a instanceof Zeros ? hostArray(a.kind, a.length) : a.slice()));
    (call as unknown as LooseCall)(ref, ...hosts);
    return { got: await this.onBackend(args, call), want: hosts as Hosts<A> };
  }

  /** `call` on the backend alone (for kernels whose oracle is another reference kernel). */
  async onBackend<const A extends readonly Arg[]>(args: A, call: Call<A>): Promise<Hosts<A>> {
    const bufs = args.map((a, i) => (a instanceof Zeros ? this.alloc(a.kind, a.length, this.persistent(i)) : this.up(a, this.persistent(i))));
    (call as unknown as LooseCall)(this.backend, ...bufs);
    return await Promise.all(bufs.map((b) => this.down(b))) as Hosts<A>;
  }

  /** Storage holding a copy of `array` (a backend may keep the array it is given). */
  up<A extends HostArray>(array: A, persistent = false): OpaqueStorage[KindOf<A>] {
    const copy = array.slice() as unknown as HostArrays[KindOf<A>], kind = kindOf(array) as KindOf<A>;
    let buf: OpaqueStorage[KindOf<A>];
    if (persistent) {
      buf = this.alloc(kind, array.length, true);
      this.backend.write(buf, copy);
    } else {
      buf = (this.backend.fromArray as (a: HostArray) => OpaqueStorage[StorageKind])(copy) as OpaqueStorage[KindOf<A>];
      this.made.push(buf);
    }
    assert.equal(this.backend.lengthOf(buf), array.length, `lengthOf a storage made from ${array.length} ${kind} values`);
    return buf;
  }

  alloc<K extends StorageKind>(kind: K, length: number, persistent = false): OpaqueStorage[K] {
    const buf = this.backend.alloc(kind, length, persistent);
    this.made.push(buf);
    return buf;
  }

  /** A copy of the storage's values once the kernels before have finished. */
  async down<K extends StorageKind>(buf: OpaqueStorage[K]): Promise<HostArrays[K]> {
    return (await this.backend.read(buf)).slice() as HostArrays[K];
  }

  /** Give every storage made so far back to the backend. */
  free(): void {
    for (const buf of this.made.splice(0)) this.backend.free(buf);
  }
}

/** Exact equality; the message names the first differing index. */
export function same(got: Int32Array | Uint32Array, want: Int32Array | Uint32Array, context: string): void {
  assert.equal(got.length, want.length, `${context}: length`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${context}: index ${i} is ${got[i]}, reference ${want[i]}`);
  }
}

/** |got - want| <= tol·(1 + |want|) everywhere, NaN where the reference has NaN (tol 0: equal). */
export function close(got: Float32Array, want: Float32Array, tol: number, context: string): void {
  assert.equal(got.length, want.length, `${context}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w))) && !(Number.isNaN(g) && Number.isNaN(w))) {
      assert.fail(`${context}: index ${i} is ${g}, reference ${w} (tolerance ${tol})`);
    }
  }
}

/** mulberry32: a small seeded generator, so that a failure can be replayed from its seed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [-1, 1); with `edges`, some exact 0 and -0 (sign(-0) = +1 must hold). */
export function floats(rng: () => number, length: number, edges = false): Float32Array {
  const x = Float32Array.from({ length }, () => 2 * rng() - 1);
  if (edges) for (let i = 0; i < length; i += 7) x[i] = i % 14 === 0 ? -0 : 0;
  return x;
}

export function uniform(rng: () => number, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng());
}

/** Packed rows whose bits are 1 with probability `density`, each drawn on its own. */
export function rowsOfDensity(rng: () => number, density: number, rows: number, k: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) for (let p = 0; p < k; p++) if (rng() < density) out[r * words + (p >>> 5)]! |= 1 << (p & 31);
  return out;
}

/** Random packed ±1 rows with the tail bits 0, as the layout requires. */
export function packedRows(rng: () => number, rows: number, k: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) for (let w = 0; w < words; w++) {
    const bits = Math.min(32, k - 32 * w);
    out[r * words + w] = (rng() * 2 ** 32) >>> (32 - bits);
  }
  return out;
}

/** Values 0 or ±2^e, eMin <= e < eMin + planes, as gradQuantLog makes them (a tenth are 0). */
export function logQuantized(rng: () => number, length: number, eMin: number, planes: number): Float32Array {
  return Float32Array.from({ length }, () => {
    if (rng() < 0.1) return 0;
    return (rng() < 0.5 ? -1 : 1) * 2 ** (eMin + Math.floor(rng() * planes));
  });
}

/** One kernel's checks against the reference; throws (an assertion) on the first difference. */
export type Check = (h: Harness) => Promise<void>;

/** `call` (the kernel `name` on storage from `h`, returning an output) must fail with a LowbitError
 *  that names the kernel, at once or at the next read (an asynchronous backend), and the backend
 *  must go on after it. */
export async function assertKernelError(h: Harness, name: string, call: (k: Kernels) => OpaqueStorage[StorageKind], context: string): Promise<void> {
  await assert.rejects(async () => { await h.backend.read(call(h.backend)); },
    (e: unknown) => e instanceof LowbitError && e.message.includes(name), context);
  await h.backend.flush();
}

/** The float32 neighbours of √2·2^e (log2 crosses e + ½ between them: where a log quantizer's
 *  rounding switches), for e in [lo, hi], both signs. */
export function halfExponents(lo: number, hi: number): number[] {
  const out: number[] = [];
  const bits = new Float32Array(1), word = new Int32Array(bits.buffer);
  for (let e = lo; e <= hi; e++) for (const step of [-1, 0, 1]) {
    bits[0] = Math.SQRT2 * 2 ** e;
    word[0]! += step;
    out.push(bits[0]!, -bits[0]!);
  }
  return out;
}
