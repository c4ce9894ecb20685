import { LowbitError } from '../errors/lowbit-error.js';
import { batchNorm, type BatchNormAttrs } from '../ops/batch-norm.js';
import { batchNormHardtanh } from '../ops/batch-norm-hardtanh.js';
import { hardtanh } from '../ops/hardtanh.js';
import { ones, zeros } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';
import type { Parameter } from './parameter.js';

export interface BatchNormOptions {
  /** Weight of the new batch in the running averages. Lasagne's 0.1 by default (QNN-SPEC §4.2). */
  momentum?: number;
  eps?: number;
}

/** Batch normalisation over the last axis: y = γ·(x - μ)·invStd + β. Training uses the batch's
 *  statistics and folds them into running averages of the mean and of the *inverse* std (as
 *  Lasagne does, QNN-SPEC §4.2); eval uses the running ones.
 *  Shapes: x [..., features] → same. @example new BatchNorm(2048) */
export class BatchNorm extends Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly runningMean: Tensor;
  readonly runningInvStd: Tensor;
  readonly momentum: number;
  readonly eps: number;

  /** `defaults` lets a variant (ShiftBatchNorm) keep its own momentum and eps. */
  constructor(readonly features: number, opts: BatchNormOptions = {}, defaults: Required<BatchNormOptions> = { momentum: 0.1, eps: 1e-4 }) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(features) || features < 1) throw new LowbitError(`${name}: features must be a positive integer, got ${features}`);
    this.momentum = opts.momentum ?? defaults.momentum;
    this.eps = opts.eps ?? defaults.eps;
    if (!(this.momentum > 0 && this.momentum <= 1)) throw new LowbitError(`${name}: momentum must be in (0, 1], got ${this.momentum}`);
    if (!(this.eps > 0)) throw new LowbitError(`${name}: eps must be > 0, got ${this.eps}`);
    this.gamma = this.param('gamma', ones([features]));
    this.beta = this.param('beta', zeros([features]));
    this.runningMean = this.buffer('runningMean', new Float32Array(features));
    this.runningInvStd = this.buffer('runningInvStd', new Float32Array(features).fill(1));
  }

  forward(x: Tensor): Tensor { return this.run(x, false); }

  /** hardtanh(forward(x)), the same numbers: Sequential calls it for a BatchNorm followed by a
   *  HardTanh, so that training runs the pair as one op (normalizeHardtanh). */
  forwardHardtanh(x: Tensor): Tensor { return this.run(x, true); }

  private run(x: Tensor, clamp: boolean): Tensor {
    if (x.shape[x.rank - 1] !== this.features) throw new LowbitError(`${this.constructor.name}(${this.features}): input's last dim must be ${this.features}, got [${x.shape}]`);
    if (!this.training) {
      const y = this.normalize(x, { training: false, eps: this.eps, mean: this.runningMean, invStd: this.runningInvStd });
      return clamp ? hardtanh(y) : y;
    }
    const mean = Tensor.empty([this.features]), invStd = Tensor.empty([this.features]);
    const attrs = { training: true, eps: this.eps, mean, invStd };
    const y = clamp ? this.normalizeHardtanh(x, attrs) : this.normalize(x, attrs);
    const k = mean.backend;
    k.runningAverage(this.runningMean.storage, mean.storage, this.momentum);
    k.runningAverage(this.runningInvStd.storage, invStd.storage, this.momentum);
    return y;
  }

  /** The normalising op; its train mode writes the batch mean and inverse std to attrs. */
  protected normalize(x: Tensor, attrs: BatchNormAttrs): Tensor { return batchNorm(x, this.gamma, this.beta, attrs); }

  /** Train mode: the normalising op and a hardtanh after it, as one op. */
  protected normalizeHardtanh(x: Tensor, attrs: BatchNormAttrs): Tensor { return batchNormHardtanh(x, this.gamma, this.beta, attrs); }

  config(): LayerConfig { return { type: this.constructor.name, features: this.features, momentum: this.momentum, eps: this.eps }; }
}
