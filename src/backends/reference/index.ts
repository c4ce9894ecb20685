import type { Kernels } from '../kernels.js';
import { adamStep } from './adam.js';
import { bitSerialLogGemm } from './bit-serial-log-gemm.js';
import { batchNormBackward, batchNormEval, batchNormTrain } from './batch-norm.js';
import { broadcastBinary, reduceSum } from './broadcast.js';
import { affine, clamp, dropout, passInside, sign, stochasticSign } from './elementwise.js';
import { gemm } from './gemm.js';
import { gemmSignB } from './gemm-sign-b.js';
import { squaredHinge, softmaxCrossEntropy } from './losses.js';
import { packCols, packRows } from './pack.js';
import { packLogPlanes } from './pack-log-planes.js';
import { pixelSignGemm } from './pixel-sign-gemm.js';
import { pixelSignGemmNibbles } from './pixel-sign-nibbles.js';
import { thresholdPack } from './threshold-pack.js';
import { xnorGemm } from './xnor-gemm.js';
import { xnorGemmSliced } from './xnor-gemm-sliced.js';
import { xnorThresholdSliced } from './xnor-threshold-sliced.js';

/** The reference backend: plain TypeScript, obviously right, the oracle of every other backend. */
export const referenceKernels: Kernels = {
  name: 'reference',
  gemm, xnorGemm, gemmSignB, packRows, packCols,
  sign, stochasticSign, clamp, passInside, broadcastBinary, affine, reduceSum, dropout,
  batchNormTrain, batchNormEval, batchNormBackward,
  softmaxCrossEntropy, squaredHinge, adamStep,
  packLogPlanes, bitSerialLogGemm, pixelSignGemm, pixelSignGemmNibbles, xnorGemmSliced, xnorThresholdSliced, thresholdPack,
};
