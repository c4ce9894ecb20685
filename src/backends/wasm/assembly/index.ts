// The one wasm module of the wasm backend: every kernel exported from here. Memory is imported
// (shared between worker threads) and managed from JS, so nothing here allocates.
export { xnorGemm, xnorThresholdRows, xnorThresholdRowsScratchBytes } from './xnor-gemm';
export { xnorGemmSliced, xnorGemmSlicedRows, xnorSlicedScratchBytes } from './xnor-gemm-sliced';
import { LIST_TABLE, LIST_TABLE_BYTES } from './xnor-gemm-sliced';
export { xnorThresholdSliced, xnorThresholdSlicedRows } from './xnor-threshold-sliced';
export { xnorThresholdRowSliced, xnorThresholdConvRowSliced, xnorThresholdConvRowSlicedBitmaps, xnorRowSlicedScratchBytes, xnorRowSlicedBitmapBytes } from './xnor-threshold-row-sliced';
export { pixelSignGemm } from './pixel-sign-gemm';
export { pixelSignGemmNibbles, pixelSignGemmNibblesRows, pixelSignNibblesScratchBytes } from './pixel-sign-nibbles';
export { pixelSignGemmDot, pixelSignGemmDotRows, pixelSignDotScratchBytes, pixelThresholdDot, pixelThresholdDotScratchBytes, pixelConvThresholdDot, pixelConvDotScratchBytes } from './pixel-sign-dot';
export { thresholdPack } from './threshold-pack';
export { gemm, gemmScratchBytes } from './gemm';
export { gemmSignLut, gemmSignLutScratchBytes } from './gemm-sign-lut';
export { packRows, packCols } from './pack';
export { sign, clamp, passInside, stochasticSign } from './elementwise';
export { batchNormTrain, batchNormEval, batchNormBackward, batchNormHardtanhBackward } from './batch-norm';
export { adamStep } from './adam';
export { packLogPlanes, bitSerialLogGemm, bitSerialLogGemmScratchBytes } from './bit-serial-log-gemm';
export { im2col, im2colPackSigns, col2im } from './im2col';
export { maxPool2d, maxPool2dBackward } from './max-pool';
export { transposeBits } from './transpose-bits';

/** First free byte after static data and listRows' table: JS lays its control block and arena
 *  from here on. */
export function heapBase(): usize { return LIST_TABLE + LIST_TABLE_BYTES; }
export { broadcastRows, sumRows, softmaxCrossEntropyRows } from './sequence';
export { lstmGates, lstmGatesBackward, lstmCellState, lstmCellStateBackward, lstmHidden, lstmHiddenBackward } from './lstm-cell';
export { conv2dSignBackwardInput, conv2dSignBackwardInputScratchBytes, conv2dBinaryProduct } from './conv-fused';
export { im2colBits, im2colBytes, maxPoolInt, poolBits } from './packed-conv';
