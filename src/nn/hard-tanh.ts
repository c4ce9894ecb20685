import { hardtanh } from '../ops/hardtanh.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';

/** Htanh(x) = clip(x, -1, 1): the float activation of the paper's nets, whose gradient is the
 *  STE's (QNN-SPEC §2.1). Before a sign quantizer it changes nothing in the forward pass.
 *  @example new HardTanh() */
export class HardTanh extends Module {
  forward(x: Tensor): Tensor { return hardtanh(x); }
  config(): LayerConfig { return { type: 'HardTanh' }; }
}
