import { noGrad } from '../autograd/grad-mode.js';
import { EOS, UNK, type Vocabulary } from '../data/ptb-vocabulary.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { PtbLm } from '../models/ptb-lm.js';
import { Random } from '../tensor/random.js';

export interface SampleOptions {
  /** Words to generate (default 50). */
  words?: number;
  /** Divides the scores before the softmax: < 1 sharper, > 1 flatter (default 1). */
  temperature?: number;
  seed?: number;
  /** Text the model reads before it generates (default: a sentence start, `<eos>`). */
  prime?: string;
}

export interface Sample {
  /** The prime's words as the model read them, then the generated ones. */
  prime: string[];
  words: string[];
  /** Prime words outside the vocabulary, read as `<unk>`. */
  unknown: string[];
}

/** The most words one call generates. */
export const MAX_SAMPLE_WORDS = 100_000;

/** The index drawn from softmax(scores / temperature) by the uniform `u` in [0, 1), in float64
 *  (the max subtracted first, so no score overflows).
 *  @example sampleIndex(Float32Array.from([0, 0, 5]), 0.5, rng.uniform())  // almost surely 2 */
export function sampleIndex(scores: ArrayLike<number>, temperature: number, u: number): number {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const p = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += p[i] = Math.exp((scores[i]! - max) / temperature);
  let target = u * sum;
  for (let i = 0; i < p.length; i++) { target -= p[i]!; if (target < 0) return i; }
  return p.length - 1; // u·sum rounded up to the total
}

/** Generate text from a language model: the prime read first (every prime word outside the
 *  vocabulary read as `<unk>`, or refused when the vocabulary has none), then one word at a
 *  time, each drawn from the softmax of the last row's scores at `temperature` with a seeded
 *  stream, and fed back. One row of scores is read per word.
 *  @example (await sampleText(model, vocabulary, { words: 20, prime: 'the company' })).words */
export async function sampleText(model: PtbLm, vocabulary: Vocabulary, opts: SampleOptions = {}): Promise<Sample> {
  const count = opts.words ?? 50, temperature = opts.temperature ?? 1;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_SAMPLE_WORDS)) throw new LowbitError(`sample: words must be an integer in 1..${MAX_SAMPLE_WORDS}, got ${count}`);
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new LowbitError(`sample: temperature must be a finite number > 0, got ${temperature}`);
  const given = (opts.prime ?? '').split(/\s+/).filter((w) => w !== '');
  const unknown = given.filter((w) => !vocabulary.ids.has(w));
  if (unknown.length && vocabulary.unk === undefined) {
    throw new LowbitError(`sample: the prime word${unknown.length === 1 ? '' : 's'} ${unknown.map((w) => `'${w}'`).join(', ')} `
      + `${unknown.length === 1 ? 'is' : 'are'} not in the model's vocabulary, which has no ${UNK} to read ${unknown.length === 1 ? 'it' : 'them'} as; use words it knows`);
  }
  const start = vocabulary.ids.get(EOS) ?? 0;
  const ids = given.length ? given.map((w) => vocabulary.ids.get(w) ?? vocabulary.unk!) : [start];
  const rng = new Random(opts.seed ?? 1), V = vocabulary.words.length, words: string[] = [];
  model.eval();
  model.resetState();
  let scores = await noGrad(() => model.logits(Int32Array.from(ids), ids.length, 1)).data();
  let row = scores.subarray((ids.length - 1) * V);
  for (let i = 0; i < count; i++) {
    const next = sampleIndex(row, temperature, rng.uniform());
    words.push(vocabulary.words[next]!);
    if (i + 1 === count) break;
    scores = await noGrad(() => model.logits(Int32Array.of(next), 1, 1)).data();
    row = scores;
  }
  model.resetState();
  return { prime: ids.length && given.length ? ids.map((id) => vocabulary.words[id]!) : [], words, unknown };
}

/** Words as text: `<eos>` ends a line. @example asText(['a', 'b', '<eos>', 'c'])  // 'a b\nc' */
export function asText(words: readonly string[]): string {
  let text = '';
  for (const w of words) text += w === EOS ? '\n' : (text === '' || text.endsWith('\n') ? '' : ' ') + w;
  return text;
}
