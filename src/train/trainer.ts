import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { backward } from '../autograd/backward.js';
import { batches, type PixelScale } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { lossByName, type LossName } from '../losses/loss.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { cosineDecay, exponentialDecay, halveEvery } from '../optim/lr-schedule.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { ShiftAdaMax } from '../optim/shift-adamax.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { classificationError } from './evaluate.js';
import { checkResumeState } from './resume-state.js';

/** Everything that defines a training run besides the model; stored in every checkpoint so that
 *  `--resume` continues with exactly the same settings. */
export interface TrainConfig {
  experiment: string;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate at epoch 0, decayed to lrEnd at the last epoch: exponentially (QNN-SPEC
   *  §4.6) unless lrSchedule says 'cosine'. */
  lr: number;
  lrEnd: number;
  seed: number;
  loss: LossName;
  scale: PixelScale;
  /** 'adam' (default; QNN-SPEC §4.4) or 'shiftAdaMax' (Torch7, §4.3). */
  optimizer?: 'adam' | 'shiftAdaMax';
  /** The shape of the decay from lr to lrEnd (default 'exponential'). */
  lrSchedule?: 'exponential' | 'cosine';
  /** Halve the learning rate every this many epochs (Torch7, §4.6) instead of decaying to lrEnd. */
  lrHalveEvery?: number;
  /** Random crop (shift by up to `pad` pixels, zero-filled) and horizontal flip of the training
   *  images, drawn from the run's generator (off by default, as in the paper's recipes). */
  augment?: { pad: number; flip: boolean };
}

export interface EpochMetrics {
  epoch: number; lr: number; trainLoss: number; trainError: number; valError: number;
  seconds: number; samplesPerSec: number;
}

/** Progress after a step. `loss` is the latest loss read back: the trainer reads losses and
 *  error counts from the backend once per logging interval (FitOptions.logEvery), not every step. */
export interface StepInfo { epoch: number; epochs: number; step: number; steps: number; loss: number; samplesPerSec: number; etaSeconds: number }

export interface FitOptions {
  /** Where checkpoints (best.ckpt, last.ckpt) and metrics.jsonl go; nothing is written without it. */
  outDir?: string;
  /** Continue from this checkpoint (a last.ckpt of the same run). */
  resume?: Checkpoint;
  onStep?: (s: StepInfo) => void;
  onEpoch?: (m: EpochMetrics) => void;
  /** Extra metadata stored in every checkpoint (the recipe, so that a run can be resumed). */
  meta?: Record<string, unknown>;
  /** Steps between reads of the losses (the only numbers a step sends back); default 50. The
   *  epoch's metrics are the same whatever it is. */
  logEvery?: number;
}

export interface FitResult {
  epochs: number; bestEpoch: number; bestValError: number; history: EpochMetrics[];
  /** The weights of the best-validation epoch (model selection never looks at the test set). */
  bestState: Map<string, Float32Array>;
}

export interface Splits { train: Dataset; validation: Dataset }

/** Train a classifier with the paper's recipe: Adam with per-layer LR scale and clipping,
 *  exponential LR decay, the chosen loss, seeded shuffling; validation error after each epoch;
 *  checkpoints written atomically. */
export async function fit(model: Module, data: Splits, config: TrainConfig, opts: FitOptions = {}): Promise<FitResult> {
  checkConfig(config);
  const loss = lossByName(config.loss);
  const optimizer: Optimizer = config.optimizer === 'shiftAdaMax' ? new ShiftAdaMax(model.parameters(), { lr: config.lr }) : new Adam(model.parameters(), { lr: config.lr });
  const schedule = config.lrHalveEvery ? halveEvery(config.lr, config.lrHalveEvery)
    : (config.lrSchedule === 'cosine' ? cosineDecay : exponentialDecay)(config.lr, config.lrEnd, config.epochs);
  let rng = new Random(config.seed);
  let history: EpochMetrics[] = [];
  let best = { epoch: 0, valError: Infinity };
  let bestState = new Map<string, Float32Array>();
  if (opts.resume) {
    ({ rng, history, best } = restore(opts.resume, model, optimizer, config));
    bestState = await model.stateDict(); // replaced below when a better epoch comes
    const b = opts.resume.meta.bestState as boolean | undefined;
    if (b) for (const [k, v] of opts.resume.tensors) if (k.startsWith('best.')) bestState.set(k.slice(5), Float32Array.from(v));
  }
  model.useRandom(rng);
  if (opts.outDir) await mkdir(opts.outDir, { recursive: true });

  const steps = config.batchSize > data.train.count ? 1 : Math.floor(data.train.count / config.batchSize);
  const logEvery = opts.logEvery ?? 50;
  if (!Number.isInteger(logEvery) || logEvery < 1) throw new LowbitError(`train: logEvery must be a positive integer, got ${logEvery}`);
  for (let epoch = history.length; epoch < config.epochs; epoch++) {
    optimizer.lr = schedule(epoch);
    model.train();
    const start = performance.now();
    // each step's loss and the error count stay on the backend until a logging point
    const losses = Tensor.empty([steps]), wrong = Tensor.empty([1], 'int32'), k = losses.backend;
    const rows: number[] = [];
    let lossSum = 0, read = 0, lastLoss = NaN, seen = 0, step = 0;
    for (const b of batches(data.train, {
      batchSize: config.batchSize, rng, scale: config.scale, dropLast: data.train.count >= config.batchSize,
      ...(config.augment ? { augment: { rng, ...config.augment } } : {}),
    })) {
      const trainStep = (): number => {
        const scores = model.forward(b.x);
        const l = loss(scores, b.labels);
        backward(l);
        optimizer.step();
        const [n, classes] = scores.shape as [number, number];
        k.countErrors(scores.storage, new Tensor(b.labels, [n], 'int32').storage, n, classes, wrong.storage);
        k.copy(l.storage, 0, losses.storage, step, 1);
        return n;
      };
      // what the step makes dies with it: only the loss and the error count leave it, into storage made above
      const n = k.stepScope ? k.stepScope(trainStep) : trainStep();
      rows.push(n); seen += n; step++;
      if (step === 1 || step % logEvery === 0 || step === steps) { // the first too, so progress has a loss to show
        const values = await losses.data();
        for (; read < step; read++) lossSum += values[read]! * rows[read]!; // in step order, in double
        lastLoss = values[step - 1]!;
      }
      const elapsed = (performance.now() - start) / 1000;
      opts.onStep?.({ epoch: epoch + 1, epochs: config.epochs, step, steps, loss: lastLoss, samplesPerSec: seen / elapsed, etaSeconds: (elapsed / step) * (steps - step) });
    }
    const trainError = (await wrong.data())[0]! / seen;
    const seconds = (performance.now() - start) / 1000;
    const valError = await classificationError(model, data.validation, config.scale);
    const metrics: EpochMetrics = { epoch: epoch + 1, lr: optimizer.lr, trainLoss: lossSum / seen, trainError, valError, seconds, samplesPerSec: seen / seconds };
    history.push(metrics);
    const improved = valError < best.valError;
    // one read of the weights per epoch serves both the best weights and the checkpoints (copies, never written)
    const state = improved || opts.outDir ? await model.stateDict() : null;
    if (improved) { best = { epoch: epoch + 1, valError }; bestState = state!; }
    if (opts.outDir) {
      const optimizerState = await optimizer.state();
      const ckpt = (withBest: boolean): Checkpoint => snapshot(state!, model, optimizerState, rng, config, history, best, withBest ? bestState : null, opts.meta);
      if (improved) await saveCheckpoint(join(opts.outDir, 'best.ckpt'), ckpt(false));
      await saveCheckpoint(join(opts.outDir, 'last.ckpt'), ckpt(true));
      await appendFile(join(opts.outDir, 'metrics.jsonl'), JSON.stringify(metrics) + '\n');
    }
    opts.onEpoch?.(metrics);
  }
  return { epochs: config.epochs, bestEpoch: best.epoch, bestValError: best.valError, history, bestState };
}

function checkConfig(c: TrainConfig): void {
  for (const k of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new LowbitError(`train: ${k} must be a positive integer, got ${c[k]}`);
  }
  if (!Number.isInteger(c.seed)) throw new LowbitError(`train: seed must be an integer, got ${c.seed}`);
  const a = c.augment;
  if (a !== undefined && (typeof a !== 'object' || a === null || !Number.isInteger(a.pad) || a.pad < 0 || typeof a.flip !== 'boolean')) {
    throw new LowbitError(`train: augment must be { pad: integer >= 0, flip: true or false }, got ${JSON.stringify(a)}`);
  }
  if (c.lrSchedule !== undefined && c.lrSchedule !== 'exponential' && c.lrSchedule !== 'cosine') throw new LowbitError(`train: lrSchedule must be 'exponential' or 'cosine', got '${String(c.lrSchedule)}'`);
  if (c.lrSchedule !== undefined && c.lrHalveEvery !== undefined) throw new LowbitError('train: lrHalveEvery replaces the decay to lrEnd; give it or lrSchedule, not both');
  if (c.optimizer !== undefined && c.optimizer !== 'adam' && c.optimizer !== 'shiftAdaMax') throw new LowbitError(`train: optimizer must be 'adam' or 'shiftAdaMax', got '${String(c.optimizer)}'`);
}

/** The checkpoint of the run as it stands: model, random state, history, and, in last.ckpt
 *  (`bestState` given), what only a resume needs: the optimizer's slots and the best weights so
 *  far, so that a resumed run still reports the right model. best.ckpt stays the model alone
 *  (Adam's two slots would triple its size). */
function snapshot(state: Map<string, Float32Array>, model: Module, optimizerState: OptimizerState, rng: Random, config: TrainConfig, history: EpochMetrics[],
  best: { epoch: number; valError: number }, bestState: Map<string, Float32Array> | null, extra: Record<string, unknown> = {}): Checkpoint {
  const tensors = new Map<string, Float32Array>();
  for (const [k, v] of state) tensors.set(`model.${k}`, v);
  const o = bestState ? optimizerState : null;
  o?.slots.forEach((slots, i) => slots.forEach((s, j) => tensors.set(`optim.${i}.${j}`, s)));
  if (bestState) for (const [k, v] of bestState) tensors.set(`best.${k}`, v);
  return {
    meta: {
      ...extra, format: 'lowbit-checkpoint', experiment: config.experiment, config, model: model.config(),
      epoch: history.length, history, best, rng: rng.state(), ...(o ? { optimizer: { step: o.step, lr: o.lr, slots: o.slots.length ? o.slots[0]!.length : 0 } } : {}),
      bestState: bestState !== null,
    },
    tensors,
  };
}

function restore(ckpt: Checkpoint, model: Module, optimizer: Optimizer, config: TrainConfig) {
  const meta = checkResumeState(ckpt.meta, config);
  const state = new Map<string, Float32Array>();
  for (const [k, v] of ckpt.tensors) if (k.startsWith('model.')) state.set(k.slice(6), v);
  model.loadStateDict(state, 'resume');
  const params = model.parameters();
  const slots = meta.optimizer.slots === 0 ? [] : params.map((_, i) => Array.from({ length: meta.optimizer!.slots }, (_, j) => {
    const s = ckpt.tensors.get(`optim.${i}.${j}`);
    if (!s) throw new LowbitError(`resume: optimizer slot ${i}.${j} is missing`);
    return Float32Array.from(s);
  }));
  optimizer.loadState({ step: meta.optimizer.step, lr: meta.optimizer.lr, slots });
  return { rng: Random.fromState(meta.rng), history: meta.history, best: { epoch: meta.best.epoch, valError: meta.best.valError ?? Infinity } };
}
