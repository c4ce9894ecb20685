import { LowbitError } from '../errors/lowbit-error.js';
import { shiftBatchNorm } from '../ops/shift-batch-norm.js';
import { ones, zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';
import type { Parameter } from './parameter.js';

export interface ShiftBatchNormOptions {
  /** Weight of the new batch in the running averages: Torch's 0.125 = 2^-3 (QNN-SPEC §4.1). */
  momentum?: number;
  /** Torch's 1e-5. */
  eps?: number;
}

/** Shift-based batch normalisation (SBN, QNN-SPEC §4.1): batch norm whose multiplies are by powers
 *  of two, y = (x - μ)·AP2(invStd)·AP2(γ) + β, with the variance itself estimated by shifts.
 *  Training folds the batch mean and the batch *inverse* std into running averages (Torch's
 *  "running_std" is an inverse std, §10.8); eval uses them. Torch's nets keep vanilla BN on the
 *  last layer (§4.1), which `mnistMlp({ bn: 'shift' })` does too.
 *  Shapes: x [..., features] → same. @example new ShiftBatchNorm(2048) */
export class ShiftBatchNorm extends Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly runningMean: Float32Array;
  readonly runningInvStd: Float32Array;
  readonly momentum: number;
  readonly eps: number;

  constructor(readonly features: number, opts: ShiftBatchNormOptions = {}) {
    super();
    if (!Number.isInteger(features) || features < 1) throw new LowbitError(`ShiftBatchNorm: features must be a positive integer, got ${features}`);
    this.momentum = opts.momentum ?? 0.125;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.momentum > 0 && this.momentum <= 1)) throw new LowbitError(`ShiftBatchNorm: momentum must be in (0, 1], got ${this.momentum}`);
    if (!(this.eps > 0)) throw new LowbitError(`ShiftBatchNorm: eps must be > 0, got ${this.eps}`);
    this.gamma = this.param('gamma', ones([features]));
    this.beta = this.param('beta', zeros([features]));
    this.runningMean = this.buffer('runningMean', new Float32Array(features));
    this.runningInvStd = this.buffer('runningInvStd', new Float32Array(features).fill(1));
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.features) throw new LowbitError(`ShiftBatchNorm(${this.features}): input's last dim must be ${this.features}, got [${x.shape}]`);
    if (!this.training) {
      return shiftBatchNorm(x, this.gamma, this.beta, { training: false, eps: this.eps, mean: this.runningMean, invStd: this.runningInvStd });
    }
    const mean = new Float32Array(this.features), invStd = new Float32Array(this.features);
    const y = shiftBatchNorm(x, this.gamma, this.beta, { training: true, eps: this.eps, mean, invStd });
    const m = this.momentum;
    for (let c = 0; c < this.features; c++) {
      this.runningMean[c] = (1 - m) * this.runningMean[c]! + m * mean[c]!;
      this.runningInvStd[c] = (1 - m) * this.runningInvStd[c]! + m * invStd[c]!;
    }
    return y;
  }

  config(): LayerConfig { return { type: 'ShiftBatchNorm', features: this.features, momentum: this.momentum, eps: this.eps }; }
}
