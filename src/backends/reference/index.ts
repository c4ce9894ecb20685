import { hostStorage } from '../host-storage.js';
import type { HostKernels, KernelName } from '../kernels.js';
import { adamStep } from './adam.js';
import { bitSerialLogGemm } from './bit-serial-log-gemm.js';
import { batchNormBackward, batchNormEval, batchNormEvalBackward, batchNormHardtanhBackward, batchNormTrain, batchNormTrainHardtanh } from './batch-norm.js';
import { broadcastBinary, reduceSum } from './broadcast.js';
import { clamp, copy, dropout, intToFloat, passInside, runningAverage, sign, stochasticSign, transpose } from './elementwise.js';
import { gemm } from './gemm.js';
import { gemmSignB } from './gemm-sign-b.js';
import { gradQuantLog } from './grad-quant-log.js';
import { argmaxRows, countErrors, squaredHinge, softmaxCrossEntropy } from './losses.js';
import { packCols, packRows } from './pack.js';
import { packLogPlanes } from './pack-log-planes.js';
import { pixelSignGemm } from './pixel-sign-gemm.js';
import { pixelSignGemmNibbles } from './pixel-sign-nibbles.js';
import { linearQuantize, logQuantize } from './quantize.js';
import { shiftAdaMaxStep } from './shift-adamax.js';
import { shiftBatchNormBackward, shiftBatchNormEval, shiftBatchNormEvalBackward, shiftBatchNormTrain } from './shift-batch-norm.js';
import { thresholdPack } from './threshold-pack.js';
import { xnorGemm } from './xnor-gemm.js';
import { xnorGemmSliced } from './xnor-gemm-sliced.js';
import { xnorThresholdSliced } from './xnor-threshold-sliced.js';
import { combinePixelProducts, combinePlanes } from './combine-planes.js';
import { packCodes } from './pack-codes.js';
import { packPlanes } from './pack-planes.js';
import { binaryProduct, binaryThreshold, convThreshold, freePrepared, pixelConvThreshold, pixelProduct, pixelThreshold, prepareBinaryThreshold, prepareBinaryWeights, preparePixelThreshold, preparePixelWeights } from './prepared.js';
import { scoreRows } from './score-rows.js';
import { embeddingGather, embeddingScatterAdd, gruGates, gruGatesBackward, gruHidden, gruHiddenBackward, lstmCellState, lstmCellStateBackward, lstmGates, lstmGatesBackward, lstmHidden, lstmHiddenBackward, sigmoid, sigmoidBackward, tanh, tanhBackward } from './rnn.js';
import { clipToNorm, sumSquares } from './clip-norm.js';
import { col2im, im2col, im2colPackSigns } from './im2col.js';
import { maxPool2d, maxPool2dBackward } from './max-pool.js';
import { addAt } from './sequence.js';
import { transposeBits } from './transpose-bits.js';
import { conv2dBinaryForward, conv2dSignBackwardInput } from './conv-fused.js';
import { im2colBits, im2colBytes, maxPoolInt, pixelPairs, poolBits } from './packed-conv.js';

/** Every kernel of the contract, in plain TypeScript. */
const kernels: Pick<HostKernels, KernelName> = {
  gemm, xnorGemm, gemmSignB, packRows, packCols,
  sign, stochasticSign, clamp, passInside, broadcastBinary, reduceSum, dropout, transpose, copy, intToFloat, linearQuantize, logQuantize,
  batchNormTrain, batchNormEval, batchNormBackward, batchNormEvalBackward, batchNormTrainHardtanh, batchNormHardtanhBackward, runningAverage,
  shiftBatchNormTrain, shiftBatchNormEval, shiftBatchNormBackward, shiftBatchNormEvalBackward,
  softmaxCrossEntropy, squaredHinge, countErrors, argmaxRows, adamStep, shiftAdaMaxStep,
  gradQuantLog, packLogPlanes, bitSerialLogGemm, pixelSignGemm, pixelSignGemmNibbles, xnorGemmSliced, xnorThresholdSliced, thresholdPack,
  prepareBinaryWeights, binaryProduct, prepareBinaryThreshold, binaryThreshold, convThreshold, preparePixelWeights, pixelProduct, preparePixelThreshold, pixelThreshold, pixelConvThreshold, freePrepared,
  packPlanes, combinePlanes, combinePixelProducts, packCodes, scoreRows,
  embeddingGather, embeddingScatterAdd, sigmoid, tanh, sigmoidBackward, tanhBackward, lstmGates, lstmGatesBackward,
  lstmCellState, lstmCellStateBackward, lstmHidden, lstmHiddenBackward, gruGates, gruGatesBackward, gruHidden, gruHiddenBackward,
  sumSquares, clipToNorm,
  im2col, col2im, im2colPackSigns, maxPool2d, maxPool2dBackward,
  addAt,
  transposeBits,
  im2colBits, im2colBytes, maxPoolInt, poolBits, pixelPairs,
  conv2dSignBackwardInput, conv2dBinaryForward,
};

/** The reference backend: plain TypeScript, obviously right, the oracle of every other backend.
 *  Synchronous, its storage host typed arrays. */
export const referenceKernels: HostKernels = {
  ...hostStorage,
  ...kernels,
  name: 'reference',
  native: new Set(Object.keys(kernels) as KernelName[]),
};
