import type { BatchNormAttrs } from '../ops/batch-norm.js';
import { hardtanh } from '../ops/hardtanh.js';
import { shiftBatchNorm } from '../ops/shift-batch-norm.js';
import type { Tensor } from '../tensor/tensor.js';
import { BatchNorm } from './batch-norm.js';

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
export class ShiftBatchNorm extends BatchNorm {
  constructor(features: number, opts: ShiftBatchNormOptions = {}) {
    super(features, opts, { momentum: 0.125, eps: 1e-5 });
  }

  protected override normalize(x: Tensor, attrs: BatchNormAttrs): Tensor {
    return shiftBatchNorm(x, this.gamma, this.beta, attrs);
  }

  /** No fused op for the shift-based norm: the two ops in turn. */
  protected override normalizeHardtanh(x: Tensor, attrs: BatchNormAttrs): Tensor {
    return hardtanh(this.normalize(x, attrs));
  }
}
