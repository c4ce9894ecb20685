import { describeValue } from '../errors/describe-value.js';
import { LowbitError } from '../errors/lowbit-error.js';

/** Seeded pseudo-random numbers (xoshiro128**): the same seed gives the same stream on every
 *  platform, which resume and reproducible runs rely on. State is four u32 words, so it can be
 *  saved in a checkpoint and restored exactly. */
export class Random {
  private s: Uint32Array;

  constructor(seed: number | Uint32Array = 1) {
    if (seed instanceof Uint32Array) { this.s = Uint32Array.from(seed); return; }
    // splitmix32 expands one seed into four non-zero words
    this.s = new Uint32Array(4);
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      this.s[i] = (t ^ (t >>> 16)) >>> 0;
    }
    if (this.s.every((w) => w === 0)) this.s[0] = 1;
  }

  /** A uniform u32. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!; s[3]! ^= s[1]!; s[1]! ^= s[2]!; s[0]! ^= s[3]!;
    s[2]! ^= t; s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number { return this.nextU32() / 4294967296; }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.uniform() * n); }

  /** Fill with uniforms in [lo, hi). */
  fillUniform(out: Float32Array, lo = 0, hi = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  /** The state, to store in a checkpoint. */
  state(): number[] { return Array.from(this.s); }
  /** The stream whose `state()` this was. The state comes from files, so it is checked: exactly
   *  four u32 words, not all zero (xoshiro's one fixed point: it would give 0 forever, and
   *  shuffling and dropout would silently stop being random). */
  static fromState(state: readonly number[]): Random {
    const words = state as unknown;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new LowbitError(`random: a saved state is 4 integers in 0..4294967295, got ${describeValue(words)}${Array.isArray(words) ? ` [${words.slice(0, 4).map((w) => describeValue(w)).join(', ')}${words.length > 4 ? ', …' : ''}]` : ''}; the checkpoint is damaged`);
    }
    if (words.every((w) => w === 0)) throw new LowbitError('random: a saved state of all zeros is not a xoshiro128** state (it gives 0 forever); the checkpoint is damaged');
    return new Random(Uint32Array.from(words as number[]));
  }
}

function rotl(x: number, k: number): number { return ((x << k) | (x >>> (32 - k))) >>> 0; }
