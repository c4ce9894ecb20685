import type { Recipe } from '../train/experiment.js';
import { UsageError } from './usage-error.js';

/** The training flags a user gave (commander's camel-cased names); undefined = not given. */
export type TrainFlags = Record<string, unknown>;

/** A flag's name as typed, from its camel-cased key: `lrEnd` → `--lr-end`, `out` → `-o`. */
export const flag = (k: string): string => (k === 'out' ? '-o' : `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
const given = (o: TrainFlags, keys: string[]): string[] => keys.filter((k) => o[k] !== undefined && o[k] !== false);

/** Flags that would change the network or the schedule but would be ignored as given: refused
 *  (exit 2) rather than silently training something else. */
export function checkConflicts(o: TrainFlags): void {
  const refuse = (why: string): never => { throw new UsageError(`train: ${why}`); };
  const float = o.float === true || o.bits === 32;
  if (o.bits !== undefined && !((o.bits as number) <= 8 || o.bits === 32)) {
    refuse(`--bits ${String(o.bits)}: this network trains with 1 (binary), 2..8 (k-bit) or 32 (float) bits`);
  }
  if (o.bits !== undefined) {
    const both = given(o, ['bitsW', 'bitsA']);
    if (both.length) refuse(`--bits sets the weight and activation bits; give it or ${both.map(flag).join(', ')}, not both`);
  }
  if (float) {
    const quantized = given(o, ['bitsW', 'bitsA', 'quant', 'stochastic']).map(flag);
    if (o.float === true && o.bits !== undefined && o.bits !== 32) quantized.unshift(`--bits ${String(o.bits)}`);
    if (o.gradBits === '6') quantized.push('--grad-bits 6');
    if (quantized.length) refuse(`${o.float === true ? '--float' : '--bits 32'} trains the float32 twin, which has no quantizers; drop ${quantized.join(', ')} (or --float)`);
  }
  const bitsW = (o.bitsW ?? o.bits) as number | undefined, bitsA = (o.bitsA ?? o.bits) as number | undefined;
  if (o.quant !== undefined && !float && ![bitsW, bitsA].some((b) => b !== undefined && b >= 2 && b <= 8)) {
    refuse(`--quant ${String(o.quant)} picks the quantizer of 2..8-bit layers; add --bits, --bits-w or --bits-a with 2..8 bits, or drop it`);
  }
  if (o.stochastic === true && bitsA !== undefined && bitsA !== 1) {
    refuse(`--stochastic binarizes 1-bit activations (QNN-SPEC §1.2); it cannot go with ${bitsA}-bit activations`);
  }
  if (o.lrHalveEvery !== undefined && o.lrEnd !== undefined) {
    refuse('--lr-halve-every replaces the decay to --lr-end; give one of them');
  }
  if (o.lrHalveEvery !== undefined && o.lrSchedule !== undefined) {
    refuse('--lr-halve-every replaces the decay that --lr-schedule shapes; give one of them');
  }
}

/** The recipe with the user's flags applied; flags not given keep the recipe's values. */
export function applyFlags(recipe: Recipe, o: TrainFlags): Recipe {
  const pick = <T>(v: unknown, fallback: T): T => (v === undefined ? fallback : (v as T));
  const defined = (x: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined));
  const kBits = o.bits !== undefined && o.bits !== 32 ? (o.bits as number) : undefined;
  const bitsGiven = kBits !== undefined || o.bitsW !== undefined || o.bitsA !== undefined;
  const shiftAdaMax = o.optimizer === 'shift-adamax';
  return {
    ...recipe,
    model: {
      ...recipe.model, width: pick(o.width, recipe.model.width), depth: pick(o.depth, recipe.model.depth),
      // a bit width asked for on the command line overrides a float recipe
      float: o.float === true || o.bits === 32 || (!bitsGiven && Boolean(recipe.model.float)), stochastic: pick(o.stochastic, recipe.model.stochastic),
      dropoutIn: pick(o.dropoutIn, recipe.model.dropoutIn), dropoutHidden: pick(o.dropout, recipe.model.dropoutHidden),
      seed: pick(o.seed, recipe.model.seed),
      ...defined({ bitsW: o.bitsW ?? kBits, bitsA: o.bitsA ?? kBits, quant: o.quant, bn: o.bn, gradientBits: o.gradBits === undefined ? undefined : Number(o.gradBits) }),
    },
    train: {
      ...recipe.train, epochs: pick(o.epochs, recipe.train.epochs), batchSize: pick(o.batchSize, recipe.train.batchSize),
      lr: pick(o.lr, shiftAdaMax ? 2 ** -6 : recipe.train.lr), lrEnd: pick(o.lrEnd, recipe.train.lrEnd), seed: pick(o.seed, recipe.train.seed),
      ...defined({ optimizer: o.optimizer === undefined ? undefined : shiftAdaMax ? 'shiftAdaMax' : 'adam', lrHalveEvery: o.lrHalveEvery, lrSchedule: o.lrSchedule }),
      ...(o.augment === true ? { augment: { pad: 4, flip: true } } : {}),
      ...(o.augment === false ? { augment: undefined } : {}),
    },
    ...(o.limit ? { limit: o.limit as number } : {}),
    ...(o.data ? { data: o.data as string } : {}),
  };
}

/** With --resume the checkpoint's settings hold; only these may be given (--epochs to train on). */
const RESUME_FLAGS = new Set(['resume', 'epochs', 'backend', 'json', 'result']);

export function checkResumeFlags(o: TrainFlags): void {
  const extra = Object.keys(o).filter((k) => !RESUME_FLAGS.has(k) && o[k] !== undefined);
  if (extra.length) {
    throw new UsageError(`--resume continues a run with the settings stored in its checkpoint (only --epochs may raise its length); drop ${extra.map((k) => (o[k] === false ? `--no-${flag(k).slice(2)}` : flag(k))).join(', ')}`);
  }
}
