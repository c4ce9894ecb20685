import { describeValue } from '../errors/describe-value.js';
import type { PtbLm } from '../models/ptb-lm.js';
import { CheckpointError } from './checkpoint-error.js';
import type { Checkpoint } from './checkpoint.js';
import type { LmTrainingState } from './lm-trainer.js';

/** `meta.kind` of a language model's checkpoint (an image run's has none). */
export const LM_KIND = 'language-model';

/** Optimizer slots per parameter: Adam keeps 2; a few more leaves room. */
const MAX_SLOTS = 8;

/** What every language-model checkpoint carries besides the training state: the recipe (to
 *  resume), the vocabulary in id order (to sample and to read text). */
export interface LmCheckpointMeta {
  recipe: Record<string, unknown>;
  vocabulary: readonly string[];
}

/** best.ckpt: the best-validation weights with the model config, recipe, vocabulary and history;
 *  no optimizer (Adam's slots would triple it). */
export function bestCheckpoint(model: PtbLm, state: LmTrainingState, meta: LmCheckpointMeta): Checkpoint {
  return {
    meta: { format: 'lowbit-checkpoint', kind: LM_KIND, ...meta, model: model.config(), epoch: state.best.epoch, history: state.history, best: state.best },
    tensors: new Map([...state.bestState].map(([k, v]) => [`model.${k}`, v])),
  };
}

/** last.ckpt: the latest weights and everything `--resume` needs (optimizer slots, random state,
 *  history, the best weights so far). */
export function lastCheckpoint(model: PtbLm, state: LmTrainingState, meta: LmCheckpointMeta): Checkpoint {
  const tensors = new Map<string, Float32Array>();
  for (const [k, v] of state.weights) tensors.set(`model.${k}`, v);
  state.optimizer.slots.forEach((slots, i) => slots.forEach((s, j) => tensors.set(`optim.${i}.${j}`, s)));
  for (const [k, v] of state.bestState) tensors.set(`best.${k}`, v);
  const o = state.optimizer;
  return {
    meta: {
      format: 'lowbit-checkpoint', kind: LM_KIND, ...meta, model: model.config(), epoch: state.history.length, history: state.history, best: state.best,
      rng: state.rng, optimizer: { step: o.step, lr: o.lr, slots: o.slots.length ? o.slots[0]!.length : 0 },
    },
    tensors,
  };
}

/** The training state of a last.ckpt for a model with `parameters` parameters, every field checked
 *  first: a damaged or hostile file is an error naming the field, never a RangeError or a run that
 *  silently differs. (Shapes are checked where the state is loaded: loadStateDict, loadState.) */
export function lmTrainingState(ckpt: Checkpoint, file: string, parameters: number): LmTrainingState {
  const fail = (what: string): never => { throw new CheckpointError(`resume: ${file}: ${what}; resume from a language-model run's last.ckpt, or train again`); };
  const m = ckpt.meta;
  if (m.kind !== LM_KIND) fail('it is not a language model\'s checkpoint');
  if (!Array.isArray(m.history) || m.rng === undefined || typeof m.optimizer !== 'object' || m.optimizer === null || typeof m.best !== 'object' || m.best === null) {
    fail('the training state (history, rng, optimizer, best) is missing: it is not a last.ckpt');
  }
  const history = m.history as unknown[];
  history.forEach((h, i) => {
    const e = h as Record<string, unknown>;
    if (typeof h !== 'object' || h === null || e.epoch !== i + 1) fail(`history[${i}] is not epoch ${i + 1}`);
    for (const k of ['trainPerplexity', 'validPerplexity', 'lr', 'words', 'seconds', 'wordsPerSec']) if (typeof e[k] !== 'number') fail(`history[${i}].${k} must be a number, got ${describeValue(e[k])}`);
  });
  const best = m.best as Record<string, unknown>, o = m.optimizer as Record<string, unknown>;
  if (!(Number.isInteger(best.epoch) && (best.epoch as number) >= 0 && (best.epoch as number) <= history.length)) fail(`best.epoch must be an integer in 0..${history.length}, got ${describeValue(best.epoch)}`);
  // JSON has no Infinity: no best yet is stored as null
  const bestPerplexity = best.validPerplexity === null ? Infinity : best.validPerplexity;
  if (typeof bestPerplexity !== 'number') fail(`best.validPerplexity must be a number, got ${describeValue(best.validPerplexity)}`);
  if (!(Number.isInteger(o.step) && (o.step as number) >= 0)) fail(`optimizer.step must be an integer >= 0, got ${describeValue(o.step)}`);
  if (!(typeof o.lr === 'number' && Number.isFinite(o.lr) && o.lr > 0)) fail(`optimizer.lr must be a finite number > 0, got ${describeValue(o.lr)}`);
  if (!(Number.isInteger(o.slots) && (o.slots as number) >= 0 && (o.slots as number) <= MAX_SLOTS)) fail(`optimizer.slots must be an integer in 0..${MAX_SLOTS}, got ${describeValue(o.slots)}`);
  const prefixed = (prefix: string): Map<string, Float32Array> =>
    new Map([...ckpt.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), Float32Array.from(v)]));
  const slots = o.slots === 0 ? [] : Array.from({ length: parameters }, (_, i) => Array.from({ length: o.slots as number }, (_, j) => {
    const s = ckpt.tensors.get(`optim.${i}.${j}`);
    return s ? Float32Array.from(s) : fail(`optimizer slot ${i}.${j} is missing`);
  }));
  return {
    history: history as LmTrainingState['history'],
    best: { epoch: best.epoch as number, validPerplexity: bestPerplexity as number },
    rng: m.rng as number[], // Random.fromState checks it
    optimizer: { step: o.step as number, lr: o.lr as number, slots },
    weights: prefixed('model.'),
    bestState: prefixed('best.'),
  };
}
