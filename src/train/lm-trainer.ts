import { backward } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { batchify, windows, type StreamWindow } from '../data/ptb-batches.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { PtbLm } from '../models/ptb-lm.js';
import { add, mul } from '../ops/arithmetic.js';
import { softmaxCrossEntropy } from '../ops/losses.js';
import { Adam } from '../optim/adam.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { tensor, zeros } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { clipGradNorm } from './lm-clip.js';

export interface LmTrainConfig {
  epochs: number;
  /** Parallel rows of the stream (20 in the PTB recipes). */
  batchSize: number;
  /** Truncated BPTT window (35). */
  steps: number;
  /** Adam's learning rate. */
  lr: number;
  /** Global gradient-norm clip (5 in the PTB recipes). */
  clipNorm: number;
  /** Learning rate × lrDecay after an epoch whose validation perplexity is not below the best so far. */
  lrDecay: number;
  /** Rows of the validation stream (default 10). */
  evalBatch?: number;
  seed: number;
}

export interface LmEpoch {
  epoch: number;
  trainPerplexity: number;
  validPerplexity: number;
  /** The learning rate the epoch trained with. */
  lr: number;
  words: number;
  seconds: number;
  wordsPerSec: number;
}

export interface LmFitResult {
  history: LmEpoch[];
  /** The epoch with the lowest validation perplexity (0: none finished) and that perplexity. */
  best: LmBest;
  /** Weights after the epoch with the lowest validation perplexity. */
  bestState: Map<string, Float32Array>;
}

export interface LmBest { epoch: number; validPerplexity: number }

/** Progress within an epoch. `perplexity` is the running training perplexity, read back every
 *  `logEvery` windows (NaN before the first read). */
export interface LmStepInfo {
  epoch: number; epochs: number; step: number; steps: number;
  words: number; wordsPerSec: number; etaSeconds: number; perplexity: number;
}

/** Everything a run needs to continue after a finished epoch, exactly: the weights, Adam's state
 *  (its learning rate included, decays and all), the random stream (dropout), the history and the
 *  best weights so far. The recurrent state needs no saving: every epoch starts it from zeros. */
export interface LmTrainingState {
  history: LmEpoch[];
  best: LmBest;
  rng: number[];
  optimizer: OptimizerState;
  weights: Map<string, Float32Array>;
  bestState: Map<string, Float32Array>;
}

export interface LmFitOptions {
  /** Continue from this state (the same model and config; `config.epochs` may be larger). */
  resume?: LmTrainingState;
  /** After every epoch, with the state to checkpoint; awaited before the next epoch starts. */
  onEpochEnd?: (state: LmTrainingState) => Promise<void>;
  onStep?: (s: LmStepInfo) => void;
  /** Windows between reads of the running training loss (progress only); default 50. */
  logEvery?: number;
}

/** One window's ids time-major, as the model takes them: [steps, batch] from [batch, steps]. */
export function timeMajor(ids: Int32Array, batch: number, steps: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = ids[b * steps + t]!;
  return out;
}

/** The mean NLL of one window's targets, times its words, added to a running sum (a kernel: no read). */
function nll(model: PtbLm, w: StreamWindow, batch: number): { loss: Tensor; words: number } {
  const logits = model.logits(timeMajor(w.inputs, batch, w.steps), w.steps, batch);
  return { loss: softmaxCrossEntropy(logits, timeMajor(w.targets, batch, w.steps)), words: w.steps * batch };
}

/** Perplexity exp(mean NLL per word) of a stream, read once at the end; the state runs through
 *  the whole stream from zeros (eval mode: no dropout).
 *  @example await perplexity(model, ptb.test, 10, 35) */
export async function perplexity(model: PtbLm, stream: Int32Array, batch: number, steps: number): Promise<number> {
  const data = batchify(stream, batch);
  model.eval();
  model.resetState();
  let sum = zeros([1]), words = 0;
  noGrad(() => {
    for (const w of windows(data, steps)) {
      const { loss, words: n } = nll(model, w, batch);
      sum = add(sum, mul(loss, tensor([n])));
      words += n;
    }
  });
  model.resetState();
  return Math.exp((await sum.data())[0]! / words);
}

function checkConfig(c: LmTrainConfig): void {
  for (const k of ['epochs', 'batchSize', 'steps'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new LowbitError(`language-model training: ${k} must be a positive integer, got ${c[k]}`);
  }
  for (const k of ['lr', 'clipNorm'] as const) if (!(c[k] > 0 && Number.isFinite(c[k]))) throw new LowbitError(`language-model training: ${k} must be a finite number > 0, got ${c[k]}`);
  if (!(c.lrDecay > 0 && c.lrDecay <= 1)) throw new LowbitError(`language-model training: lrDecay must be in (0, 1], got ${c.lrDecay}`);
}

/** Train a language model by truncated back-propagation through time: the training stream cut
 *  into batchSize rows, windows of `steps` words, the state carried from one window to the next
 *  (detached), gradients clipped to a global norm, Adam. After each epoch the validation
 *  perplexity; the learning rate decays when it does not improve. The loss is read every
 *  `opts.logEvery` windows for progress, and once at the end of the epoch.
 *  @example await fitLanguageModel(ptbLm({ vocabulary: 10_000 }), ptb, { epochs: 13, batchSize: 20, steps: 35, lr: 0.002, clipNorm: 5, lrDecay: 0.5, seed: 1 }) */
export async function fitLanguageModel(model: PtbLm, data: { train: Int32Array; validation: Int32Array }, config: LmTrainConfig,
  onEpoch?: (m: LmEpoch) => void, opts: LmFitOptions = {}): Promise<LmFitResult> {
  checkConfig(config);
  const logEvery = opts.logEvery ?? 50;
  if (!Number.isInteger(logEvery) || logEvery < 1) throw new LowbitError(`language-model training: logEvery must be a positive integer, got ${logEvery}`);
  const train = batchify(data.train, config.batchSize), evalBatch = config.evalBatch ?? 10;
  const params = model.parameters(), opt = new Adam(params, { lr: config.lr });
  let rng = new Random(config.seed), history: LmEpoch[] = [], best: LmBest = { epoch: 0, validPerplexity: Infinity };
  let bestState: Map<string, Float32Array>;
  if (opts.resume) {
    const r = opts.resume;
    if (r.history.length > config.epochs) throw new LowbitError(`language-model training: the run to resume has ${r.history.length} epochs done, more than the ${config.epochs} asked for`);
    model.loadStateDict(r.weights, 'resume');
    opt.loadState(r.optimizer);
    rng = Random.fromState(r.rng);
    history = [...r.history]; best = { ...r.best }; bestState = r.bestState;
  } else {
    bestState = await model.stateDict();
  }
  model.useRandom(rng);
  const steps = Math.ceil((train.length - 1) / config.steps);
  for (let epoch = history.length + 1; epoch <= config.epochs; epoch++) {
    const start = performance.now();
    model.train();
    model.resetState();
    let sum = zeros([1]), words = 0, step = 0, running = NaN;
    for (const w of windows(train, config.steps)) {
      const { loss, words: n } = nll(model, w, config.batchSize);
      backward(loss);
      clipGradNorm(params, config.clipNorm);
      opt.step();
      sum = noGrad(() => add(sum, mul(loss, tensor([n]))));
      words += n; step++;
      if (opts.onStep) {
        if (step === 1 || step % logEvery === 0) running = Math.exp((await sum.data())[0]! / words);
        const elapsed = (performance.now() - start) / 1000;
        opts.onStep({ epoch, epochs: config.epochs, step, steps, words, wordsPerSec: words / elapsed, etaSeconds: (elapsed / step) * (steps - step), perplexity: running });
      }
    }
    const trainPerplexity = Math.exp((await sum.data())[0]! / words); // the epoch's one read
    const seconds = (performance.now() - start) / 1000;
    const validPerplexity = await perplexity(model, data.validation, evalBatch, config.steps);
    const m: LmEpoch = { epoch, trainPerplexity, validPerplexity, lr: opt.lr, words, seconds, wordsPerSec: words / seconds };
    history.push(m);
    const improved = validPerplexity < best.validPerplexity;
    // one read of the weights serves the best weights and the checkpoint
    const weights = improved || opts.onEpochEnd ? await model.stateDict() : null;
    if (improved) { best = { epoch, validPerplexity }; bestState = weights!; } else opt.lr *= config.lrDecay;
    onEpoch?.(m);
    if (opts.onEpochEnd) await opts.onEpochEnd({ history: [...history], best: { ...best }, rng: rng.state(), optimizer: await opt.state(), weights: weights!, bestState });
  }
  return { history, best, bestState };
}
