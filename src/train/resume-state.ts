import { describeValue } from '../errors/describe-value.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { EpochMetrics, TrainConfig } from './trainer.js';

/** What a checkpoint carries to continue a run (besides the tensors). */
export interface ResumeState {
  epoch?: number;
  history: EpochMetrics[];
  best: { epoch: number; valError: number | null };
  rng: number[];
  optimizer: { step: number; lr: number; slots: number };
}

/** Optimizer slots per parameter: Adam and shift-AdaMax keep 2; a few more leaves room. */
const MAX_SLOTS = 8;

/** Check a checkpoint's training state before resume uses any of it: every count is bounded
 *  and every number has its type, so a damaged or hostile last.ckpt is a LowbitError saying
 *  which field, never a RangeError, a giant allocation or a run that silently differs.
 *  @example const state = checkResumeState(ckpt.meta, config) */
export function checkResumeState(meta: Record<string, unknown>, config: TrainConfig): ResumeState {
  const fail = (what: string): never => { throw new LowbitError(`resume: the checkpoint's ${what}; resume from a run's last.ckpt written by lowbit, or train again`); };
  const obj = (v: unknown, what: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : fail(`${what} must be an object, got ${describeValue(v)}`);
  const int = (v: unknown, what: string, max: number): number =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max ? v as number : fail(`${what} must be an integer in 0..${max}, got ${describeValue(v)}`);
  const metric = (v: unknown, what: string): void => { if (typeof v !== 'number' && v !== null) fail(`${what} must be a number, got ${describeValue(v)}`); };

  if (meta.history === undefined || meta.rng === undefined || meta.optimizer === undefined || meta.best === undefined) {
    fail('training state is missing (history, rng, optimizer, best): it is not a last.ckpt');
  }
  if (!Array.isArray(meta.history)) return fail(`history must be an array, got ${describeValue(meta.history)}`);
  if (meta.history.length > config.epochs) fail(`history has ${meta.history.length} epochs done, more than the run's ${config.epochs}; ask for more epochs to train on`);
  meta.history.forEach((raw, i) => {
    const m = obj(raw, `history[${i}]`);
    if (m.epoch !== i + 1) fail(`history[${i}].epoch must be ${i + 1}, got ${describeValue(m.epoch)}`);
    for (const k of ['lr', 'trainLoss', 'trainError', 'valError', 'samplesPerSec'] as const) metric(m[k], `history[${i}].${k}`);
    if (!(typeof m.seconds === 'number' && m.seconds >= 0)) fail(`history[${i}].seconds must be a number >= 0, got ${describeValue(m.seconds)}`);
  });
  const epochs = meta.history.length;
  if (meta.epoch !== undefined && meta.epoch !== epochs) fail(`epoch (${describeValue(meta.epoch)}) does not match its history of ${epochs} epochs`);
  const best = obj(meta.best, 'best');
  int(best.epoch, 'best.epoch', epochs);
  metric(best.valError, 'best.valError');
  if (!Array.isArray(meta.rng)) fail(`rng must be the random stream's state (4 integers), got ${describeValue(meta.rng)}`);
  const o = obj(meta.optimizer, 'optimizer');
  int(o.step, 'optimizer.step', Number.MAX_SAFE_INTEGER);
  int(o.slots, 'optimizer.slots', MAX_SLOTS);
  if (!(typeof o.lr === 'number' && Number.isFinite(o.lr) && o.lr > 0)) fail(`optimizer.lr must be a finite number > 0, got ${describeValue(o.lr)}`);
  return meta as unknown as ResumeState;
}
