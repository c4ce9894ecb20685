import type { LmRecipe } from '../train/lm-recipe.js';
import { flag, type TrainFlags } from './train-flags.js';
import { UsageError } from './usage-error.js';

/** Flags of the image recipes that mean nothing to a language model. */
const IMAGE_ONLY = ['width', 'depth', 'quant', 'bn', 'optimizer', 'lrHalveEvery', 'gradBits', 'stochastic', 'dropoutIn', 'lrEnd', 'lrSchedule', 'limit', 'augment'];

/** A language-model recipe's flags, refused (exit 2) where they would be ignored or contradict. */
export function checkLmFlags(experiment: string, o: TrainFlags): void {
  const refuse = (why: string): never => { throw new UsageError(`train ${experiment}: ${why}`); };
  // a flag not given is undefined; false is a --no- flag given
  const image = IMAGE_ONLY.filter((k) => o[k] !== undefined);
  if (image.length) refuse(`${image.map((k) => (o[k] === false ? `--no-${flag(k).slice(2)}` : flag(k))).join(', ')} ${image.length === 1 ? 'belongs' : 'belong'} to the image recipes; a language model takes --bits-w, --bits-a (or --bits, --float), --dropout, --epochs, --batch-size, --lr, --seed, --limit-words, --data`);
  for (const k of ['bits', 'bitsW', 'bitsA']) {
    const b = o[k] as number | undefined;
    if (b !== undefined && !(b === 32 || (b >= 2 && b <= 8))) refuse(`${flag(k)} ${b}: the recurrent layers take 2..8 bits (LinearQuantK, QNN-SPEC §6.5) or 32 (float)`);
  }
  if (o.bits !== undefined && (o.bitsW !== undefined || o.bitsA !== undefined)) refuse('--bits sets the weight and activation bits; give it or --bits-w/--bits-a, not both');
  const quantized = ['bitsW', 'bitsA', 'bits'].filter((k) => o[k] !== undefined && o[k] !== 32);
  if (o.float === true && quantized.length) refuse(`--float trains the float32 model; drop ${quantized.map(flag).join(', ')}`);
}

/** The recipe with the flags given applied; the rest keep the recipe's values. A bit width
 *  given alone leaves the other at the recipe's value. */
export function applyLmFlags(recipe: LmRecipe, o: TrainFlags): LmRecipe {
  const pick = <T>(v: unknown, fallback: T): T => (v === undefined ? fallback : (v as T));
  const float = o.float === true || o.bits === 32;
  const bitsW = float ? 32 : pick(o.bitsW ?? o.bits, recipe.model.bitsW), bitsA = float ? 32 : pick(o.bitsA ?? o.bits, recipe.model.bitsA);
  return {
    ...recipe,
    model: { ...recipe.model, bitsW, bitsA, dropout: pick(o.dropout, recipe.model.dropout), seed: pick(o.seed, recipe.model.seed) },
    train: { ...recipe.train, epochs: pick(o.epochs, recipe.train.epochs), batchSize: pick(o.batchSize, recipe.train.batchSize), lr: pick(o.lr, recipe.train.lr), seed: pick(o.seed, recipe.train.seed) },
    ...(o.limitWords !== undefined ? { limitWords: o.limitWords as number } : {}),
    ...(o.data !== undefined ? { data: o.data as string } : {}),
  };
}
